"""The plans app's forms: the plan pages' (`plans`), and the month, report and completeness pages' (`months`)."""

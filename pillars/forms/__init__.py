"""The plans app's forms: the plan pages' (`plans`) and the month pages' (`months`)."""

"""The pages of ``reports``, a module per page: ``home`` (the home pages), ``exports`` (downloads and the upload),
``villages`` (the village list and a village's page)."""

"""The plans app's pages, one module per page or group of pages; `pillars/urls.py` maps them."""

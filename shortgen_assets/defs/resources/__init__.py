"""Resources: the app database, and one interface per provider capability with one class per vendor.

The table choosing vendors from settings is `vendors.py`, apart from this package, so that importing
one resource (the app database, an interface) loads no vendor.
"""

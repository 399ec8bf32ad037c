"""Search over the library and the portal's Actions: one search document per item and language."""

"""Money around an order: shipping and COD charges, GST rates and the tax invoice."""

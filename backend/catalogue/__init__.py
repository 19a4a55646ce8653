"""The catalogue as the shop runs it: what shoppers see (published designs and variants), the
console's edits with their rules, and the margin check. Storage: backend/storage/stored_catalogue.py."""

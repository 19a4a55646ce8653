"""The designs' photos: uploads checked and cleaned by Pillow (images.py), kept beside the orders
(store.py, postgres_store.py), served resized at content-hash addresses (service.py)."""

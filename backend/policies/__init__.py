"""The pages a seller must have (India's Consumer Protection (E-Commerce) Rules, 2020): shipping,
returns and exchanges, cancellation, privacy, terms and contact with the grievance officer, built
from the shop's settings (details.py) and rendered on the server (render.py), plus the HTML page a
browser gets for an address that does not exist."""

"""The seller's public details, from the settings, and which of them are missing.

A missing detail is not an error (a shop may start before it has them all) but the policy pages
then lack what the law asks of a seller: the pages show a placeholder naming the setting, and the
banner and the console say which settings to set."""

from __future__ import annotations

from dataclasses import dataclass

SHOP_NAME = "Bharat Heritage Prints"

# (setting, Config attribute, what it is): in the order the warnings list them.
REQUIRED = (
    ("SHOP_LEGAL_NAME", "seller_legal_name", "the seller's legal name"),
    ("SHOP_ADDRESS", "seller_address", "the seller's address"),
    ("SHOP_GSTIN", "seller_gstin", "the GSTIN"),
    ("SHOP_EMAIL", "shop_email", "the shop's email"),
    ("SHOP_PHONE", "shop_phone", "the shop's phone"),
    ("GRIEVANCE_OFFICER_NAME", "grievance_officer_name", "the grievance officer's name"),
    ("GRIEVANCE_OFFICER_EMAIL", "grievance_officer_email", "the grievance officer's email"),
    ("GRIEVANCE_OFFICER_PHONE", "grievance_officer_phone", "the grievance officer's phone"),
    ("DAMAGE_REPORT_DAYS", "damage_report_days", "the days a customer has to report a damaged item"),
)


@dataclass(frozen=True)
class SellerDetails:
    """What the policy pages and GET /api/seller show about the seller (empty: not set)."""

    legal_name: str = ""
    address: str = ""
    state: str = ""
    gstin: str = ""
    email: str = ""
    phone: str = ""
    grievance_officer_name: str = ""
    grievance_officer_email: str = ""
    grievance_officer_phone: str = ""
    damage_report_days: int | None = None
    missing: tuple[str, ...] = ()  # the settings of REQUIRED that are not set

    @classmethod
    def from_config(cls, config) -> SellerDetails:
        return cls(
            legal_name=config.seller_legal_name,
            address=config.seller_address,
            state=config.seller_state,
            gstin=config.seller_gstin,
            email=config.shop_email,
            phone=config.shop_phone,
            grievance_officer_name=config.grievance_officer_name,
            grievance_officer_email=config.grievance_officer_email,
            grievance_officer_phone=config.grievance_officer_phone,
            damage_report_days=config.damage_report_days,
            missing=missing_settings(config),
        )

    def public(self) -> dict:
        """The JSON of GET /api/seller: null for a detail not set."""
        return {
            "shop_name": SHOP_NAME,
            "legal_name": self.legal_name or None,
            "address": self.address or None,
            "state": self.state or None,
            "gstin": self.gstin or None,
            "email": self.email or None,
            "phone": self.phone or None,
            "grievance_officer": {
                "name": self.grievance_officer_name or None,
                "email": self.grievance_officer_email or None,
                "phone": self.grievance_officer_phone or None,
            },
            "damage_report_days": self.damage_report_days,
            "missing_settings": list(self.missing),
        }


def missing_settings(config) -> tuple[str, ...]:
    """The settings a seller's pages need that are empty, in REQUIRED's order."""
    return tuple(name for name, attribute, _ in REQUIRED if getattr(config, attribute) in ("", None))


def warning(missing) -> str | None:
    """One sentence for the banner and the console, or None when nothing is missing."""
    if not missing:
        return None
    return (
        "The policy pages (/shipping, /returns, /cancellation, /privacy, /terms, /contact) lack seller details "
        "India's e-commerce rules require; they show a placeholder until you set " + ", ".join(missing) + " in .env"
    )

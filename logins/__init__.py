"""Login protection beyond django-axes' per-address limit: the account-wide lockout."""

"""Views, one module per feature: the catalogue, accounts and a candidate's progress."""

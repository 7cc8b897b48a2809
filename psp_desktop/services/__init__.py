"""Every rule, query and use case. Plain Python over SQLAlchemy; never imports Qt."""

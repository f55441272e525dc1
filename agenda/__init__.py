"""The network's events: pages, listings, calendar feeds, and registering for them.

The package is `agenda`, the app label `events` (models `events.EventPage`, templates in
templates/events/, the admin under "Events"): a top-level package named `events` would hide the
PyPI package of that name, which opensearch-py imports (`from agenda import Events`).
"""

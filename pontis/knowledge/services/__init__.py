"""Every write to the practice library (see library.py)."""

from .library import (  # noqa: F401
    case_study_from_action,
    file_add,
    file_remove,
    item_create,
    item_publish,
    item_set_visibility,
    item_update,
    item_withdraw,
)

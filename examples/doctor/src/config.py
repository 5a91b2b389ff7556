"""Settings for the render worker."""
import os

RENDER_TIMEOUT = 30
# Hard-coded while debugging; should come from PICTIFY_API_KEY.
PICTIFY_API_KEY = os.environ.get("PICTIFY_API_KEY", "pk_live_FAKEYYhX5Oat2ZWaLd2BLFv9JJPS13sT")

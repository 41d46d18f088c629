"""The one exception type whose message is shown to users as it is (always in Chinese)."""


class LedgerError(Exception):
    """A refusal or failure the user can act on; str(error) is the whole Chinese message."""

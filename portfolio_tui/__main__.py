"""``python -m portfolio_tui`` does what the ``portfolio`` command does."""

import sys

from portfolio_tui.cli import main

sys.exit(main())

import sys

from kerncijfers.cli import main

sys.exit(main())

from barrack_tui.cli import main

raise SystemExit(main())

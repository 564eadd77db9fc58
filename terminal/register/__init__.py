"""The register's application services: the payment runner, recovery, and the operations
the window and the command line share. Sits above wallet, journal and scan; below ui and cli."""

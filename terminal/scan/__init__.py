"""Scanning: frame sources, decoders, the scan pipeline, keyboard-wedge and serial scanners.

The UI builds a scanner with `factory.build_scanner(config, CodeChecker(...))`, subscribes to its
`ScanResult`s and `SourceState`s, and (for cameras) reads `latest_frame()` for the live view.
No Qt here: callbacks arrive on the scanner's threads. docs/scanning.md explains the choices.
"""

"""Rules x objects -> findings: rule files and the configuration, the engine, and the
primitives (checks/) that rules name."""

"""Data package: the rules files shipped with scrubber (installed as ``scrubber.rulefiles``)."""

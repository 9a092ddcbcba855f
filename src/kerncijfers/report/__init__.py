"""The brief's output: its four tables and its in-text figures, rebuilt from the validated stage."""

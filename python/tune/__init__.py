"""The tuning stage: Optuna searches training settings on validation data; evaluate over seeds."""

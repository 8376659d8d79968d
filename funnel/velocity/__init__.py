"""Velocity, pipeline and forecast (issue 10): how fast deals move, what the pipe held, what comes next."""

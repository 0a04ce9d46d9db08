"""The web app (Starlette): served inside `newswatch run` on the service's loop."""

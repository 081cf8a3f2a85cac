"""Shared pieces of the panel app's pages: the session (store, rules, who is signed in) and the charts."""

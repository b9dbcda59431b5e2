"""Who may see what, one module per noun: video, sound, comment (accounts/policies.py holds the
account's, notifications/policies.py the notification's). Each answers, for a viewer, which rows
of a queryset they may see (for lists, counts and search) and, where a single object is
judged in Python, whether they may see it. Nothing else in the code writes a visibility rule."""

"""What every app's forms share."""

from django import forms


class DateInput(forms.DateInput):
    """A date field as the browser's date picker, which reads and writes ISO dates (2026-12-02)."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs=attrs, format=format)

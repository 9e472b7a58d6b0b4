from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import PublicContact

ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$")
MAX_ORIGINS = 10


class PublicContactForm(forms.ModelForm):
    class Meta:
        model = PublicContact
        fields = ["email", "phone", "web_address", "embed_origins"]
        widgets = {"embed_origins": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipality is None:
            del self.fields["embed_origins"]

    def clean_embed_origins(self) -> str:
        origins = []
        for line in self.cleaned_data.get("embed_origins", "").splitlines():
            origin = line.strip().rstrip("/").lower()
            if not origin:
                continue
            if not ORIGIN.match(origin):
                raise forms.ValidationError(
                    _("“%(origin)s” is not an origin: write the scheme and the host only, like https://www.lund.se."),
                    params={"origin": line.strip()},
                )
            if origin not in origins:
                origins.append(origin)
        if len(origins) > MAX_ORIGINS:
            raise forms.ValidationError(_("At most %(count)d web sites."), params={"count": MAX_ORIGINS})
        return "\n".join(origins)

"""Personal data: the register of where the portal keeps it, a person's export, and removing a person.

``register.py`` lists the places; ``queries.py`` finds a person's rows in them; ``services.py``
removes a person (by hand, or after the retention time by the beat job in ``tasks.py``);
``views.py`` are the national administrators' pages under ``/personuppgifter/``.
"""

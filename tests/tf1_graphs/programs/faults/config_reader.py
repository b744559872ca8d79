"""A helper of chained.py whose bug is a KeyError raised while handling another error."""


def read_config(name):
    settings = {"steps": 3}
    try:
        return int(name)
    except ValueError:
        return settings[name]  # the setting is missing

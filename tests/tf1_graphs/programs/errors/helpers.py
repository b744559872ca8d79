def average(values):
    return sum(values) / len(values)  # the bug: an empty list

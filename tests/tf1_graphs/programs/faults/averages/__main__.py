"""`python -m averages`: the mean of no numbers, a bug."""
numbers = []
print("numbers:", numbers)
print("mean:", sum(numbers) / len(numbers))

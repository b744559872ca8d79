"""A SyntaxError in the program itself: Python shows no traceback, only the line."""
squares = [n * n for n in range(3)
print(squares)

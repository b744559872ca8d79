"""Draws a line and shows it (the runner saves it under --plots)."""
import matplotlib.pyplot as plt

print("plotting", flush=True)
plt.plot([1, 2, 3])
plt.show()

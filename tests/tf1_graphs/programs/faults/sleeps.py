"""Sleeps until Ctrl-C (SIGINT) interrupts it."""
import time

print("sleeping", flush=True)
time.sleep(120)

"""`tensorflow.examples`, as far as TF 1.x programs import it: the MNIST tutorials' reader."""

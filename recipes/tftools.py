"""The TensorFlow chores the documents share: one session policy, one variable listing, one training loop,
captured warnings.

Every session the suite opens gets the same thread configuration, THREADS intra-op and
inter-op threads.  TensorFlow sizes its process-wide thread pools (Eigen's, which oneDNN's
kernels also run on) at the first session or eager context of a process and ignores later
sessions' settings; a matmul's reduction is split by the size of that pool.  So one fixed
count, set for the eager context too at import, gives the same numbers whichever recipe
runs first and however many CPUs the machine has.  One thread: the posts' graphs gain
little from more, and the machines are shared.
"""
import contextlib
import logging

from tf1_graphs import tf

THREADS = 1  # intra-op and inter-op threads of every session (and of the eager context)


def _fix_the_process_pools():
    """Size the eager context's pools too, in case it is what first creates the process-wide ones."""
    try:
        tf.config.threading.set_intra_op_parallelism_threads(THREADS)
        tf.config.threading.set_inter_op_parallelism_threads(THREADS)
    except RuntimeError:  # the context is already up: its pools are set, and sessions can only share them
        pass


_fix_the_process_pools()


def session_config():
    """The one thread configuration of the suite's sessions."""
    return tf.ConfigProto(intra_op_parallelism_threads=THREADS, inter_op_parallelism_threads=THREADS)


def new_session(graph):
    """A session on `graph` with the suite's thread configuration (use it for every session)."""
    return tf.Session(graph=graph, config=session_config())


def start_session(graph):
    """A new_session on `graph` with its variables initialised."""
    sess = new_session(graph)
    with graph.as_default():
        sess.run(tf.global_variables_initializer())
    return sess


def variable_listing(variables):
    """[(name, shape)] of `variables`, in creation order, as a post's `for var in ...: print` loop shows them."""
    return [(v.name, tuple(v.shape.as_list())) for v in variables]


def variable_shapes(variables):
    """{op name: shape as a list}: the same listing keyed by name, for comparing two moments of a graph."""
    return {v.op.name: v.shape.as_list() for v in variables}


def by_name(variables):
    """{variable name: variable}: `session.run` of it gives {name: value}."""
    return {v.name: v for v in variables}


def train_steps(session, model, steps, feed, log_step=None):
    """Run `model.train_op` `steps` times, fetching `model.loss` with it (the loss before each step).

    `feed(step)` gives step's feed_dict (steps count from 0); `log_step(step, loss)` sees every
    step and decides what to print.  Returns the losses, as Python floats.
    """
    losses = []
    for step in range(steps):
        loss, _ = session.run([model.loss, model.train_op], feed(step))
        losses.append(float(loss))
        if log_step:
            log_step(step, losses[-1])
    return losses


class _RecordList(logging.Handler):
    def __init__(self, messages):
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def captured_tf_warnings():
    """Collect the warnings TensorFlow logs meanwhile, as a list of messages, instead of printing them.

    tf-keras' legacy cells log through TensorFlow's `tf_logging`, i.e. the Python logger
    "tensorflow", which the foundation sets to ERROR.  MultiRNNCell's shared-weights
    warning is a `log_first_n(..., 1)`: TensorFlow counts it per calling line and
    process, so a second build would stay silent.  The counts are cleared for the
    duration (and put back after), so every build logs what a fresh program would.
    """
    from tensorflow.python.platform import tf_logging  # after tf1_graphs has set up TensorFlow

    logger = tf_logging.get_logger()
    counts = tf_logging._log_counter_per_token  # private; log_first_n's per-call-site counter
    saved = logger.level, logger.handlers[:], dict(counts)
    messages = []
    logger.setLevel(logging.WARNING)
    logger.handlers = [_RecordList(messages)]
    counts.clear()
    try:
        yield messages
    finally:
        logger.setLevel(saved[0])
        logger.handlers = saved[1]
        counts.clear()
        counts.update(saved[2])

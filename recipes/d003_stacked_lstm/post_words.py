"""Document 003 in its own words: the quote behind each claim, what the post recorded, a summary.

Plain data, so that the report can put the post beside our run without a TensorFlow import.
Each quote is copied verbatim from `../shared/seeds/003_128ee8fee058467c.txt` (a test checks it);
the post is in English, so the rendering repeats the quote or, for code, says what it does.
"""

_ASKERS_STACK = "stacked_lstm_cell = tf.contrib.rnn.MultiRNNCell([lstm_cell] * num_layers)"
_ASKERS_STACK_EN = "(the asker's code) one lstm_cell object listed num_layers times"

# claim id -> (the post's words; an English rendering)
QUOTES = {
    "q-shared-cell-warns": (_ASKERS_STACK, _ASKERS_STACK_EN),
    "q-shared-cell-same-weights-every-layer": (_ASKERS_STACK, _ASKERS_STACK_EN),
    "q-shared-cell-one-variable-set": (
        "this code gives me a computational graph in which there are 3 layers of LSTM cells",
        "this code gives me a computational graph in which there are 3 layers of LSTM cells"),
    "a0-loop-distinct-kernels": (
        "you need to define multiple layers in a loop rather than using the [cell] * num_layers syntax",
        "you need to define multiple layers in a loop rather than using the [cell] * num_layers syntax"),
    "a0-trainable-variables-listing": (
        "you may see some odd shapes and apparently missing weight matrices and biases, but it's all there",
        "you may see some odd shapes and apparently missing weight matrices and biases, but it's all there"),
    "a0-a-weights-are-variables-none-between": (
        "There are not weights between the three LSTM layers: each LSTM feeds its output to the input of "
        "the next LSTM.",
        "There are not weights between the three LSTM layers: each LSTM feeds its output to the input of "
        "the next LSTM."),
    "a0-b-training-changes-every-variable": (
        "All of the weights and biases in your network will be treated as trainable variables and trained "
        "through back propagation",
        "All of the weights and biases in your network will be treated as trainable variables and trained "
        "through back propagation"),
    "a0-b-unless-told-not-to-train": (
        "unless you tell TF not to train certain things",
        "unless you tell TF not to train certain things"),
    "a0-b-gates-own-no-variables": (
        "The operations like forget and update in the LSTM execute some function on a linear combination "
        "of the inputs to the network and the network's previous hidden state.",
        "The operations like forget and update in the LSTM execute some function on a linear combination "
        "of the inputs to the network and the network's previous hidden state."),
    "a0-c-gate-equations": (
        "f_k = sigmoid(W_f * [h_k-1, x_k] + b_f)",
        "the forget gate, the first of the answer's gate equations (i_k, c'_k, c_k, o_k, h_k follow)"),
    "a0-gru-combined-gate-matrix": (
        "you have one combined weight matrix and one combined bias vector for all gates",
        "you have one combined weight matrix and one combined bias vector for all gates"),
    "a0-gru-equations": (
        "It then splits the result into each individual gate to apply them at the right place.",
        "It then splits the result into each individual gate to apply them at the right place."),
}

# claim id -> why the claim is ours, not the post's
TODAY = ("today's TensorFlow: the suite's parity check of its Keras 3 counterpart, not a claim "
         "of the post")
OURS = {
    "q-shared-cell-dimension-error": (
        "today's TensorFlow (>= 1.2): the post gives no input depth; with one other than n_hidden the "
        "shared weights cannot take layer 1's input"),
    "modern-003-gate-equations": TODAY,
    "modern-003-reused-layer": TODAY,
    "modern-003-stack-same-as-tf1": TODAY,
    "modern-003-trainable-weights": TODAY,
    "modern-003-weights-round-trip": TODAY,
}

# what the post recorded, and what of ours stands beside it
RECORDED = [
    {"what": "what tf.trainable_variables() lists for the stack",
     "original": "'weigths: W_f , W_i , W_c , and W_o for each layer', 'biases: b_f , b_i , b_c , and b_o "
                 "for each layer' and the output layer's weights and biases (the answer's words; it "
                 "prints no listing)",
     "where": "003, answer 0, 'Trainable variables'",
     "beside": "a0-trainable-variables-listing",
     "comparable_in_quick": True, "why_not": None},
]

SUMMARY = (
    "The asker stacks 3 layers of a 2-unit BasicLSTMCell with MultiRNNCell([lstm_cell] * num_layers) and "
    "asks whether the weights between layers and the gates are variables that training tunes. On "
    "today's TensorFlow the asker's stack does not give 3 layers of their own: one cell object serves "
    "every layer (TensorFlow warns so), one kernel and bias under cell_0 serve all 3, and with an input "
    "depth other than n_hidden the graph cannot be built. TF <= 1.0.1 gave each layer its own weights "
    "and TF 1.1 refused the list, so this half cannot be replayed as the asker ran it. The answer's claims hold on "
    "its one-cell-per-layer loop: every layer gets its own kernel, there are no weights between layers, "
    "every weight and bias is trained unless left out of var_list, the gates are fixed functions of a "
    "trained linear combination, and a GRU combines its two gates into one matrix that is split after the "
    "matmul (its candidate keeps a matrix of its own). The gate equations hold in TensorFlow's layout, "
    "not as written: the kernel multiplies [x, h], not [h_k-1, x_k], and BasicLSTMCell adds a forget_bias "
    "of 1.0 that the equations do not show. To run today: tf.contrib.rnn comes from tf1_graphs; the post "
    "gives only n_hidden and num_layers, so the input depth, a toy task, the optimizer and the number "
    "of steps are ours, the stack is run with dynamic_rnn under a fully_connected output layer, and the "
    "gates are read by stepping the trained stack one step at a time under reuse.")

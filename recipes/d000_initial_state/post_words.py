"""Document 000 in its own words: the quote behind each claim, what the post recorded, a summary.

Plain data, so that the report can put the post beside our run without a TensorFlow import.
Each quote is copied verbatim from `../shared/seeds/000_00c5a7e54969fe2a.txt` (a test checks it).
"""

# claim id -> (the post's words, in Chinese as posted; an English rendering)
QUOTES = {
    "question-init-no-gradient": (
        "我认为这不会起作用,因为init_state实际上并不是训练的一部分,它只是用于复制。",
        "I don't think this will work, because init_state is not actually part of the training; "
        "it is only used for copying."),
    "question-init-stays-zero": (
        "编辑:我已经在测试中证实初始状态没有被训练并且保持全部为0",
        "Edit: I have confirmed in a test that the initial state is not trained and stays all 0."),
    "a0-initial-state-moves": (
        "在初始状态训练之后,我会将其复制到这个单独的变量范围",
        "After the initial state has been trained, I copy it to this separate variable scope."),
    "a0-learned-beats-zero": (
        "我最终通过在单独的变量范围内创建初始状态变量来解决这个问题",
        "I finally solved this by creating the initial-state variables in a separate variable scope."),
    "a0-propagate-matches-unbroken": (
        "sess.run(propagate_state)继续通过状态",
        "sess.run(propagate_state) passes the state on."),
    "a0-model-step-keeps-state": (
        "_, er = sess.run([train_nn_step, error])只是训练神经网络",
        "_, er = sess.run([train_nn_step, error]) only trains the neural network."),
    "a0-combined-step-changes-both": (
        "_, er = sess.run([train_nn_state_step, error])训练初始状态和nn",
        "_, er = sess.run([train_nn_state_step, error]) trains the initial state and the nn."),
    "a1-learned-beats-zero": (
        "如何在培训网络和初始状态之间切换?",
        "How about switching between training the network and the initial state?"),
    "a1-state-phase-freezes-model": (
        "冻结模型,使初始状态可训练,训练一段时间。",
        "Freeze the model, make the initial state trainable, train for a while."),
    "a1-model-phase-freezes-state": (
        "然后切换冻结。",
        "Then switch which part is frozen."),
    "a2-state-carries-over": (
        "为什么不将new_state分配给另一个状态变量",
        "Why not assign new_state to another state variable?"),
}

# claim id -> why the claim is ours, not the post's
TODAY = ("today's TensorFlow: the suite's parity check of its Keras 3 counterpart, not a claim "
         "of the post")
OURS = {
    "a2-init-no-gradient": (
        "answer 2 says nothing about training the initial state; we check that its graph, which keeps "
        "the question's init_c/init_h, still gives them no gradient (answer 2 does not answer the question)"),
    "a2-init-stays-zero": (
        "answer 2 says nothing about training the initial state; we check that, as in the question, "
        "init_c/init_h end training exactly at zero"),
    "modern-000-same-carried-sequence": TODAY,
    "modern-000-same-first-chunk": TODAY,
    "modern-000-same-training-losses": TODAY,
    "modern-000-weights-round-trip": TODAY,
}

# what the post recorded about its own runs, and what of ours stands beside it
RECORDED = [
    {"what": "the asker's initial state after training",
     "original": "not trained, stays all 0 ('初始状态没有被训练并且保持全部为0')",
     "where": "000, question, the edit line ('编辑:')",
     "beside": "question-init-stays-zero",
     "comparable_in_quick": True, "why_not": None},
    {"what": "answer 0's approach",
     "original": "it solved the problem ('解决这个问题'); no loss or other number is given",
     "where": "000, answer 0, first sentence",
     "beside": "a0-learned-beats-zero",
     "comparable_in_quick": True, "why_not": None},
]

SUMMARY = (
    "The asker wants an LSTM initial state trained as a variable and copies a trainable init_c, init_h "
    "into non-trainable state variables with tf.assign; they suspect it is never trained and confirm it "
    "('保持全部为0', stays all 0). Our run agrees: the loss has no gradient path to init_c, init_h and "
    "they end exactly at zero. Answer 0 (the state in scope 'state', two Adams split by var_list, "
    "restore/save/propagate assign ops) works: the combined step trains model and state, the model step "
    "leaves the state bit-identical, carrying the state chunk to chunk equals one unbroken run, and the "
    "learned start lowers the first chunk's loss against a zero start. Answer 1, prose only (alternate "
    "freezing), built on answer 0's graph, learns a useful start too. Answer 2 does not answer the "
    "question: its assign carries the state across chunks exactly, but its initial state, like the "
    "asker's, is never trained and stays at zero. Beyond the post: in the asker's graph the state assign "
    "under control_dependencies overwrites the state before backprop reads it, so the first step's weight "
    "gradients come out slightly wrong (a measurement). To run today: tf.contrib.rnn comes from "
    "tf1_graphs; the posts leave lstm_input, targets and (question, answer 2) the loss and optimizer "
    "undefined, so we add placeholders, seeded data whose first targets only a learned start can know, "
    "and answer 0's head and Adam; the dropout keep probability becomes a placeholder (0.7 in training, "
    "1.0 in the checks) and dynamic_rnn runs with parallel_iterations=1 so that seeded dropout repeats; "
    "tf.group over a list and answer 0's nested var_list run unchanged.")

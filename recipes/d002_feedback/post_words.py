"""Document 002 in its own words: the quote behind each claim, what the post recorded, a summary.

Plain data, so that the report can put the post beside our run without a TensorFlow import.
Each quote is copied verbatim from `../shared/seeds/002_fe943fbcb8f810b3.txt` (a test checks it).
"""

_CONVERGES = "我也尝试将正弦波馈入网络和零,并且在两种情况下它都在~500次迭代中收敛"
_CONVERGES_EN = ("I also tried feeding the network the sine wave and zeros, and in both cases it "
                 "converges in ~500 iterations.")

# claim id -> (the post's words, in Chinese as posted or its code; an English rendering)
QUOTES = {
    "question-converges-zero-input": (_CONVERGES, _CONVERGES_EN),
    "question-converges-sine-input": (_CONVERGES, _CONVERGES_EN),
    "question-loop-appends-whole-array": (
        "test_vals.append(val)",
        "(the asker's sampling loop) appends what pred.eval returned, a whole array, to test_vals"),
    "question-loop-reruns-prefix": (
        "val = pred.eval({X_test:np.array(test_vals)[None, :, None]})",
        "(the asker's sampling loop) each call feeds the whole sequence generated so far"),
    "question-loop-equals-answer1-loop": (
        "然而,在该模型中,似乎LSTM细胞之间没有连续性。",
        "However, in this model there seems to be no continuity between the LSTM cells."),
    "answer1-printed-state-dtype-fails": (
        "initial_state = lstm_cell.zero_state(batch_size, dtype=tf.float32)",
        "(answer 1's model) a float32 zero state for the asker's float64 model"),
    "answer1-steps-equal-one-run": (
        "您可以循环遍历序列并单独提供每个时间步(即最大序列长度为1)。此外,您只需要继承RNN的内部状态。",
        "you can loop over the sequence and feed each time step on its own (i.e. a maximum sequence "
        "length of 1). Besides, you only need to carry over the RNN's internal state."),
    "answer1-generation-continues-wave": (
        "# outputs now contains the sequence you want",
        "(answer 1's code comment) outputs now contains the sequence you want"),
    "answer2a-python-state-equals-unbroken": (
        "将状态提取到python并在下次将它们送回去,就像在ptb example in tensorflow/models中所做的那样",
        "fetch the states to Python and feed them back the next time, as the PTB example in "
        "tensorflow/models does"),
    "answer2b-variable-state-equals-unbroken": (
        "在图中构建更新操作并添加依赖关系,如ptb example in tensorpack中所做。",
        "build update ops in the graph and add dependencies, as the PTB example in tensorpack does."),
    "answer2b-state-stays-in-graph": (
        "每次完成截断序列并获得一些输出状态时,请使用刚刚获得的输出状态更新状态变量。",
        "Each time you finish a truncated sequence and get an output state, update the state "
        "variables with the output state you just got."),
    "answer2b-reset-zeroes-state": (
        "在每个时间步使用零初始化变量作为输入状态",
        "use variables initialised with zeros as the input state at each time step"),
    "answer3-equals-answer1-loop": (
        "它允许您通过过滤器自动输入输入并作为输入返回到网络。",
        "It lets you automatically pass the output through a filter and back into the network as "
        "its input."),
}

# claim id -> why the claim is ours, not the post's
TODAY = ("today's TensorFlow: the suite's parity check of its Keras 3 counterpart, not a claim "
         "of the post")
OURS = {
    "answer3-original-reshape-mixes-rows": (
        "the post only links the gist; the final reshape is in the gist's code, which the post does not "
        "show (FACTS.md)"),
    "answer3-transpose-fixes-batch": "the fix for the gist's reshape, which the post does not show",
    "modern-002-same-generation": TODAY,
    "modern-002-same-outputs": TODAY,
    "modern-002-same-training-losses": TODAY,
    "modern-002-weights-round-trip": TODAY,
}

# what the post recorded about its own runs, and what of ours stands beside it
RECORDED = [
    {"what": "iterations to converge, trained on the zero input", "original": "~500 (of 1001 steps)",
     "where": "002, question: '在两种情况下它都在~500次迭代中收敛'",
     "beside": "question-converges-zero-input",
     "comparable_in_quick": True, "why_not": None},
    {"what": "iterations to converge, trained on the sine input", "original": "~500 (of 1001 steps)",
     "where": "002, question: '在两种情况下它都在~500次迭代中收敛'",
     "beside": "question-converges-sine-input",
     "comparable_in_quick": True, "why_not": None},
    {"what": "what the asker's sampling loop generates",
     "original": "no continuity between the LSTM cells, as it seemed to the asker "
                 "('似乎LSTM细胞之间没有连续性')",
     "where": "002, question, after the sampling loop",
     "beside": "question-loop-equals-answer1-loop",
     "comparable_in_quick": True, "why_not": None},
]

SUMMARY = (
    "The asker trains a 5-unit LSTM on 100 samples of sin (on the zero input and on the sine, both "
    "converging in ~500 iterations: that holds in our run) and asks how to feed its output back as its "
    "input, since the sampling loop seemed to lose continuity. As printed, the loop cannot run (it "
    "appends whole prediction arrays, and np.array fails at its second call); fixed to append the newest "
    "value, it does keep the continuity, by re-running the whole prefix from a zero state at every call: "
    "N(N+1)/2 cell steps for N values, generating what a carried state generates. Answer 1 (feed one "
    "step at a time with the state fed back) holds: the steps equal one run, and the trained model "
    "continues the wave; but its code as printed does not run (a float32 zero state in a float64 model, "
    "an undefined self.input_, last_state for last_states). Answer 2's two ways of carrying the state "
    "across truncated chunks (through Python as in the PTB tutorial, in assigned variables as in "
    "tensorpack) both match one unbroken run. Answer 3's self_feeding_rnn (only linked, a gist) "
    "generates answer 1's sequence in one session.run, but its final reshape mixes the rows of a batch "
    "larger than 1; a transpose fixes it. To run today: tf.contrib comes from tf1_graphs; the question's "
    "model is built in variable_scope('sine'), which its sampling code reopens; InteractiveSession "
    "becomes one Session per graph; answer 1's model is trained towards the next sample (the question's "
    "np.roll(x, 1) is the previous one); answer 2's two patterns are written out from the PTB tutorial "
    "and tensorpack, since the answer gives no code.")

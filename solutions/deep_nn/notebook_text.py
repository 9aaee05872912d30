r"""The words of the deep network master notebook: markdown per section and per question, and the
docstring each solution cell shows. Written for this project; solutions/deep_nn/notebook.py
assembles them with the reference code into assignment/deep_nn.ipynb.
"""

from __future__ import annotations

TITLE = r"""# A deep neural network, step by step, in NumPy

A **feed-forward network** is a stack of layers. Each layer takes the activations of the layer
below, applies an affine map (a matrix product plus a bias) and then a non-linear *activation
function*, and hands the result to the layer above. With enough layers, such a stack can learn
decision boundaries far more complicated than a single logistic unit can.

In this notebook you will write every piece of a binary classifier with $L$ layers, using nothing
but NumPy:

* the **forward pass**: one layer's affine part, a whole layer with its activation, then the whole
  network ($L - 1$ layers with ReLU, one output unit with a sigmoid);
* the **cost**, the cross-entropy between the predictions and the labels;
* the **backward pass**, derived and coded by hand: the same three levels in reverse;
* the **update**, one step of gradient descent.

There are nine functions in total. The later ones call the earlier ones, and the backward functions
read what the forward functions stored, so the order of the questions matters.
"""

BEFORE_YOU_START = r"""## Before you start: what to install, and what stays together

**Keep this notebook, `deep_nn.ipynb`, and the `grader/` folder beside it together**, in one
folder, as they came (with `requirements.txt`). Each `grader.check(...)` cell reads its tests from
`grader/` and from this notebook's own file, so keep the file name `deep_nn.ipynb`; on Colab or a
JupyterHub, upload both into the same folder.

**Install the packages in `requirements.txt`** once, into the Python that runs this notebook
(Python 3.11 or newer): `pip install -r requirements.txt` in a terminal in this folder, or
`%pip install -r requirements.txt` in a new cell (then restart the kernel).

The next cell sets up the checks. When something is missing, it stops with a message that starts
with "Set-up failed" and says what to do.
"""

NOTATION = r"""## Notation and shapes

**Each column is one example.** A batch of $m$ examples with $n^{[0]}$ features each is a matrix
$X$ of shape $(n^{[0]}, m)$.

Layers are numbered from $1$ to $L$; a superscript in square brackets names the layer. Layer $l$
has $n^{[l]}$ units, and `layer_dims` lists every size, the input's included:
`layer_dims = [n0, n1, ..., nL]`, so a network with `layer_dims` of length 4 has $L = 3$ layers.
The output layer has a single unit, $n^{[L]} = 1$.

| symbol | code | shape | meaning |
|---|---|---|---|
| $A^{[0]} = X$ | `X`, `A0` | $(n^{[0]}, m)$ | the inputs |
| $W^{[l]}$ | `parameters["W" + str(l)]` | $(n^{[l]}, n^{[l-1]})$ | the weights of layer $l$ |
| $b^{[l]}$ | `parameters["b" + str(l)]` | $(n^{[l]}, 1)$ | the bias of layer $l$ |
| $Z^{[l]}$ | `Z` | $(n^{[l]}, m)$ | the pre-activation of layer $l$ |
| $A^{[l]}$ | `A` | $(n^{[l]}, m)$ | the activation (output) of layer $l$ |
| $A^{[L]} = \hat{Y}$ | `AL` | $(1, m)$ | the predicted probabilities |
| $Y$ | `Y` | $(1, m)$ | the true labels, 0 or 1 |

For every layer,

$$Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}, \qquad A^{[l]} = g^{[l]}\left(Z^{[l]}\right),$$

with $g^{[l]} = \operatorname{ReLU}$ for $l < L$ and $g^{[L]} = \sigma$ (the sigmoid). Writing two
matrices side by side is a matrix product (`np.dot` or `@`); the bias, a column, is added to every
column by broadcasting.

In the backward pass, $dA^{[l]}$, $dZ^{[l]}$, $dW^{[l]}$ and $db^{[l]}$ (in code `dA`, `dZ`, `dW`,
`db`) are the gradients of the cost with respect to those quantities; each has the shape of the
quantity it belongs to.
"""

HOW_TO_CHECK = r"""## How to check your work

* Run the set-up cell (under "Before you start") before anything else.
* Each function is followed by a cell `grader.check("<function name>")`. Run it after you write the
  function. It runs the public test and explains what is wrong. The public test is worth a quarter
  of the question's points; hidden tests with other sizes (deeper and narrower networks, a single
  hidden unit, more examples) carry the rest, so aim for a function that is right for every size.
* Keep the function names and parameters as given, and return exactly what is asked (a tuple in
  the stated order, or a dictionary with the stated keys).
* **Before you submit, use Kernel → Restart & Run All** and check that every cell runs. The grader
  runs the notebook from top to bottom in a fresh kernel.
"""

HELPERS = r"""## Provided helpers

Four functions are defined for you in the next cell; use them and do not redefine them. Each
forward helper returns **two** things: the activation and its *cache*, which is simply the input
`Z` (the backward pass needs it). Each backward helper takes the gradient with respect to the
activation and that cache, and returns the gradient with respect to `Z`.

* `sigmoid(Z)` returns `(A, Z)` with $A = \sigma(Z) = \dfrac{1}{1 + e^{-Z}}$.
* `relu(Z)` returns `(A, Z)` with $A = \max(0, Z)$, element-wise.
* `sigmoid_backward(dA, cache)` returns $dZ = dA * \sigma(Z) * (1 - \sigma(Z))$.
* `relu_backward(dA, cache)` returns $dZ$: equal to $dA$ where $Z > 0$, and $0$ elsewhere.
"""

WELL_DONE = r"""## Well done

You have built a deep classifier from its parts: initialisation, the forward pass one layer at a
time and through the whole stack, the cross-entropy cost, the backward pass that carries the
gradient from the cost down to the first layer, and the gradient-descent step. Calling
`L_model_forward`, `compute_cost`, `L_model_backward` and `update_parameters` in a loop is all it
takes to train the network.

**Before you submit:** choose **Kernel → Restart & Run All** and check that every cell runs without
an error.
"""

QUESTIONS: dict[str, str] = {
    "initialize_parameters_deep": r"""## 1. Initialisation: `initialize_parameters_deep`

Before training, every layer needs weights and a bias. The weights must be **random**: if all
units of a layer started equal, they would receive equal gradients and stay equal forever. They
must also be **small**, so that the first forward passes do not saturate the sigmoid. The biases
can start at zero.

For every layer $l = 1, \dots, L$:

$$W^{[l]} \sim 0.01 \cdot \mathcal{N}(0, 1) \ \text{of shape}\ (n^{[l]}, n^{[l-1]}), \qquad
b^{[l]} = 0 \ \text{of shape}\ (n^{[l]}, 1).$$

**Input**: `layer_dims`, the list $[n^{[0]}, n^{[1]}, \dots, n^{[L]}]$.

**Returns** the dictionary `parameters` with keys `"W1"`, `"b1"`, ..., `"WL"`, `"bL"`.

**Recipe**

1. Call `np.random.seed(3)` first, so that everyone gets the same numbers.
2. For `l` from 1 to `len(layer_dims) - 1`: draw `W` with `np.random.randn(n_l, n_prev) * 0.01`
   (first $W^{[1]}$, then $W^{[2]}$, ...) and create `b` with `np.zeros((n_l, 1))`.
""",
    "linear_forward": r"""## 2. One layer's affine part: `linear_forward`

The first half of every layer is the same affine map:

$$Z = W A_{\text{prev}} + b$$

**Inputs**: `A`, the activations of the previous layer $(n^{[l-1]}, m)$; `W`, the weights
$(n^{[l]}, n^{[l-1]})$; `b`, the bias $(n^{[l]}, 1)$.

**Returns** the tuple `(Z, cache)`:

* `Z`, shape $(n^{[l]}, m)$;
* `cache`, the tuple `(A, W, b)` of the three arguments as you received them: the backward pass
  needs `A` for the weight gradient and `W` to send the gradient on to the previous layer.
""",
    "linear_activation_forward": r"""## 3. A whole layer: `linear_activation_forward`

A layer is the affine part followed by its activation:

$$A = g(Z) = g\left(W A_{\text{prev}} + b\right), \qquad g \in \{\sigma, \operatorname{ReLU}\}$$

**Inputs**: `A_prev`, `W`, `b` as for `linear_forward`, and `activation`, the string `"sigmoid"`
or `"relu"`.

**Returns** the tuple `(A, cache)`:

* `A`, the layer's output, shape $(n^{[l]}, m)$;
* `cache`, the tuple `(linear_cache, activation_cache)`: the cache returned by your
  `linear_forward`, then the cache returned by the activation helper (its input `Z`).

Call your `linear_forward`, then `sigmoid` or `relu`, and keep both caches, in this order.
""",
    "L_model_forward": r"""## 4. The whole network, forward: `L_model_forward`

Chain the layers: the input is $A^{[0]} = X$; layers $1$ to $L - 1$ apply ReLU, and the output
layer $L$ applies the sigmoid, giving the predictions $A^{[L]}$:

$$A^{[l]} = \operatorname{ReLU}\left(W^{[l]} A^{[l-1]} + b^{[l]}\right)\ \ (l < L), \qquad
A^{[L]} = \sigma\left(W^{[L]} A^{[L-1]} + b^{[L]}\right)$$

**Inputs**: `X` $(n^{[0]}, m)$ and `parameters`, the dictionary from `initialize_parameters_deep`
(or any dictionary with the same keys and shapes).

**Returns** the tuple `(AL, caches)`:

* `AL`, the predictions, shape $(1, m)$;
* `caches`, a list of $L$ entries: `caches[l - 1]` is the cache that
  `linear_activation_forward` returned for layer $l$ (the list starts at 0, the layers at 1).

**Recipe**

1. The number of layers is `L = len(parameters) // 2` (one `W` and one `b` per layer).
2. Start from `A = X`. For `l` from 1 to `L - 1`, run a `"relu"` layer on the current `A` with
   `W{l}`, `b{l}`, and append its cache.
3. Run the `"sigmoid"` layer `L` on the last `A`, and append its cache.
""",
    "compute_cost": r"""## 5. The cost: `compute_cost`

The network predicts a probability $a^{(i)}$ that example $i$ is positive. The cross-entropy cost
averages, over the $m$ examples, minus the logarithm of the probability given to the true label:

$$J = -\frac{1}{m} \sum_{i=1}^{m} \left( y^{(i)} \log a^{(i)} + \left(1 - y^{(i)}\right)
\log\left(1 - a^{(i)}\right) \right)$$

**Inputs**: `AL`, the predictions $(1, m)$, and `Y`, the labels $(1, m)$.

**Returns** `cost`, a single number. Computed with matrix products, the result keeps the shape
$(1, 1)$: use `np.squeeze` so that it has no dimensions left (a Python `float` is fine too).
""",
    "linear_backward": r"""## 6. One layer's affine part, backward: `linear_backward`

Suppose the gradient $dZ$ with respect to a layer's pre-activation is known. By the convention
of this exercise, $dZ$ is the gradient of the cost *summed* over the examples (the $\frac{1}{m}$ of
the cost is left for the parameter gradients). Since $Z = W A_{\text{prev}} + b$:

$$dW = \frac{1}{m}\, dZ\, A_{\text{prev}}^{T}, \qquad
db = \frac{1}{m} \sum_{i=1}^{m} dZ^{(i)}, \qquad
dA_{\text{prev}} = W^{T} dZ$$

The sum for $db$ runs over the examples, that is over the columns (`axis=1`), and keeps $db$ a
column of shape $(n^{[l]}, 1)$ (`keepdims=True`).

**Inputs**: `dZ` $(n^{[l]}, m)$ and `cache`, the tuple `(A_prev, W, b)` from `linear_forward`.

**Returns** the tuple `(dA_prev, dW, db)`, with the shapes of `A_prev`, `W` and `b`.
""",
    "linear_activation_backward": r"""## 7. A whole layer, backward: `linear_activation_backward`

Going back through a layer means first going back through its activation, then through its affine
part. With $A = g(Z)$,

$$dZ = dA * g'(Z)$$

(an element-wise product), which the helpers compute for you: `relu_backward(dA, activation_cache)`
or `sigmoid_backward(dA, activation_cache)`. Then `linear_backward` does the rest.

**Inputs**: `dA`, the gradient with respect to the layer's output $(n^{[l]}, m)$; `cache`, the
tuple `(linear_cache, activation_cache)` from `linear_activation_forward`; `activation`,
`"sigmoid"` or `"relu"`: the activation this layer used going forward.

**Returns** the tuple `(dA_prev, dW, db)`, as `linear_backward` returns it.
""",
    "L_model_backward": r"""## 8. The whole network, backward: `L_model_backward`

Backpropagation starts at the cost and walks down the layers. The derivative of the cost with
respect to the predictions (per example, by the convention above) is

$$dA^{[L]} = -\left( \frac{Y}{A^{[L]}} - \frac{1 - Y}{1 - A^{[L]}} \right)$$

(element-wise divisions; in code `dAL`). The output layer goes back through the sigmoid, every
other layer through ReLU, each with its own cache, from layer $L$ down to layer $1$. What a layer
returns as `dA_prev` is the `dA` of the layer below.

**Inputs**: `AL` $(1, m)$ and `caches` from `L_model_forward`, and the labels `Y` $(1, m)$.

**Returns** the dictionary `grads` with, for every layer $l = 1, \dots, L$:

* `grads["dW" + str(l)]` and `grads["db" + str(l)]`, the gradients of $W^{[l]}$ and $b^{[l]}$;
* `grads["dA" + str(l - 1)]`, the `dA_prev` that layer $l$ returns: the gradient with respect to
  the output of layer $l - 1$. So the keys run from `"dA0"` (the inputs') to `"dA" + str(L - 1)`.

**Recipe**

1. `L = len(caches)`; compute `dAL`.
2. Layer $L$: `linear_activation_backward(dAL, caches[L - 1], "sigmoid")`; store its three results
   under `"dA" + str(L - 1)`, `"dW" + str(L)`, `"db" + str(L)`.
3. For `l` in `reversed(range(L - 1))` (cache indices $L - 2$ down to $0$, layers $L - 1$ down to
   $1$): go back through `caches[l]` with `"relu"`, starting from `grads["dA" + str(l + 1)]`, and
   store the results under `"dA" + str(l)`, `"dW" + str(l + 1)`, `"db" + str(l + 1)`.
""",
    "update_parameters": r"""## 9. One step of gradient descent: `update_parameters`

Each parameter moves a small step against its gradient:

$$W^{[l]} \leftarrow W^{[l]} - \alpha\, dW^{[l]}, \qquad b^{[l]} \leftarrow b^{[l]} - \alpha\,
db^{[l]}$$

with the learning rate $\alpha$ (`learning_rate`).

**Inputs**: `parameters` (keys `"W1"`, `"b1"`, ...), `grads` from `L_model_backward`, and
`learning_rate`.

**Returns** a **new** dictionary of the updated parameters, with the same keys. Do not change the
dictionary you receive or the arrays in it: write `W - learning_rate * dW` (a new array), not
`W -= ...` (which writes into the caller's array, even after `parameters.copy()`).
""",
}

DOCSTRINGS: dict[str, str] = {
    "initialize_parameters_deep": """\
Small random weights and zero biases for every layer.

    Arguments:
        layer_dims -- list [n0, n1, ..., nL]: the size of the input and of each layer

    Returns:
        parameters -- dictionary with, for l = 1..L,
            "W" + str(l) -- weights of shape (layer_dims[l], layer_dims[l - 1])
            "b" + str(l) -- bias of shape (layer_dims[l], 1)
    """,
    "linear_forward": """\
The affine part of one layer, Z = W A + b.

    Arguments:
        A -- activations of the previous layer, shape (n_prev, m)
        W -- weights, shape (n, n_prev)
        b -- bias, shape (n, 1)

    Returns:
        Z -- pre-activation, shape (n, m)
        cache -- tuple (A, W, b), for the backward pass
    """,
    "linear_activation_forward": """\
One whole layer: the affine part, then the activation.

    Arguments:
        A_prev -- activations of the previous layer, shape (n_prev, m)
        W -- weights, shape (n, n_prev)
        b -- bias, shape (n, 1)
        activation -- "sigmoid" or "relu"

    Returns:
        A -- the layer's output, shape (n, m)
        cache -- tuple (linear_cache, activation_cache)
    """,
    "L_model_forward": """\
The forward pass of the whole network: L - 1 relu layers, then one sigmoid layer.

    Arguments:
        X -- inputs, shape (n0, m)
        parameters -- dictionary with "W1", "b1", ..., "WL", "bL"

    Returns:
        AL -- predictions of the last layer, shape (1, m)
        caches -- list of the L caches of linear_activation_forward, layer 1 first
    """,
    "compute_cost": """\
The cross-entropy cost, averaged over the examples.

    Arguments:
        AL -- predicted probabilities, shape (1, m)
        Y -- true labels (0 or 1), shape (1, m)

    Returns:
        cost -- a single number (no dimensions left)
    """,
    "linear_backward": """\
The backward pass of one layer's affine part.

    Arguments:
        dZ -- gradient with respect to the pre-activation Z, shape (n, m)
        cache -- tuple (A_prev, W, b) from linear_forward

    Returns:
        dA_prev -- gradient with respect to A_prev, shape (n_prev, m)
        dW -- gradient with respect to W, shape (n, n_prev)
        db -- gradient with respect to b, shape (n, 1)
    """,
    "linear_activation_backward": """\
The backward pass of one whole layer: through the activation, then the affine part.

    Arguments:
        dA -- gradient with respect to the layer's output, shape (n, m)
        cache -- tuple (linear_cache, activation_cache) from linear_activation_forward
        activation -- "sigmoid" or "relu", as used in the forward pass

    Returns:
        dA_prev -- gradient with respect to the previous layer's output, shape (n_prev, m)
        dW -- gradient with respect to W, shape (n, n_prev)
        db -- gradient with respect to b, shape (n, 1)
    """,
    "L_model_backward": """\
The backward pass of the whole network.

    Arguments:
        AL -- predictions from L_model_forward, shape (1, m)
        Y -- true labels, shape (1, m)
        caches -- the list of caches from L_model_forward

    Returns:
        grads -- dictionary with, for l = 1..L,
            "dW" + str(l), "db" + str(l) -- gradients of W{l} and b{l}
            "dA" + str(l - 1) -- gradient with respect to the output of layer l - 1
    """,
    "update_parameters": """\
One step of gradient descent on every parameter.

    Arguments:
        parameters -- dictionary with "W1", "b1", ..., "WL", "bL"
        grads -- dictionary from L_model_backward
        learning_rate -- the step size

    Returns:
        parameters -- a new dictionary with the updated "W1", "b1", ...; the argument is
                      left unchanged
    """,
}

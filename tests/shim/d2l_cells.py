"""Notebook cells in the style of the original *Dive into Deep Learning* library, per framework.

Each framework's list reads like one of that book's chapters: imports,
trainers written the way its readers write them, then experiments. JAX, which
the original library lacks, is written as this book's JAX chapters write it:
trainers are pure functions that return the new parameters and states, and the
concise trainers are optax's optimizer factories. A cell is
``(name, source)``; names starting with ``bad_`` are expected to raise. The
runner (``run_cells.py``) executes one framework's cells in order in one
namespace, as a notebook kernel would, and records what they print and draw.
"""

from bookbuild.frameworks import FRAMEWORKS as REGISTRY

FRAMEWORKS = REGISTRY.names

IMPORTS = {
    "mxnet": """
from d2l_shim import mxnet as d2l
from mxnet import autograd, np, npx
npx.set_np()
""",
    "pytorch": """
import torch
from d2l_shim import torch as d2l
""",
    "tensorflow": """
import tensorflow as tf
from d2l_shim import tensorflow as d2l
""",
    "jax": """
import jax
import jax.numpy as jnp
import optax
from d2l_shim import jax as d2l
""",
}

TWO_D = [
    ("gd_2d_eta_04", """
eta = 0.4
def f_2d(x1, x2):
    return 0.1 * x1 ** 2 + 2 * x2 ** 2
def gd_2d(x1, x2, s1, s2):
    return (x1 - eta * 0.2 * x1, x2 - eta * 4 * x2, 0, 0)

trace_gd_04 = d2l.train_2d(gd_2d)
d2l.show_trace_2d(f_2d, trace_gd_04)
"""),
    ("gd_2d_eta_06", """
eta = 0.6
trace_gd_06 = d2l.train_2d(gd_2d)
d2l.show_trace_2d(f_2d, trace_gd_06)
"""),
    ("momentum_2d_05", """
def momentum_2d(x1, x2, v1, v2):
    v1 = beta * v1 + 0.2 * x1
    v2 = beta * v2 + 4 * x2
    return x1 - eta * v1, x2 - eta * v2, v1, v2

eta, beta = 0.6, 0.5
trace_momentum_05 = d2l.train_2d(momentum_2d)
d2l.show_trace_2d(f_2d, trace_momentum_05)
"""),
    ("momentum_2d_025", """
eta, beta = 0.6, 0.25
trace_momentum_025 = d2l.train_2d(momentum_2d)
d2l.show_trace_2d(f_2d, trace_momentum_025)
"""),
    ("sgd_2d_noisy", """
def f(x1, x2):
    return x1 ** 2 + 2 * x2 ** 2
def f_grad(x1, x2):
    return 2 * x1, 4 * x2
def sgd(x1, x2, s1, s2, f_grad):
    g1, g2 = f_grad(x1, x2)
    g1 += d2l.normal(0.0, 1, (1,))
    g2 += d2l.normal(0.0, 1, (1,))
    eta_t = eta * lr()
    return (x1 - eta_t * g1, x2 - eta_t * g2, 0, 0)
def constant_lr():
    return 1

eta = 0.1
lr = constant_lr
d2l.seed(1)
trace_sgd = d2l.train_2d(sgd, steps=50, f_grad=f_grad)
d2l.show_trace_2d(f, trace_sgd)
"""),
    ("leaky_average_weights", """
d2l.set_figsize()
betas = [0.95, 0.9, 0.6, 0]
for beta in betas:
    x = d2l.numpy(d2l.arange(40))
    d2l.plt.plot(x, beta ** x, label=f'beta = {beta:.2f}')
d2l.plt.xlabel('time')
d2l.plt.legend();
"""),
    ("plot_tensors", """
x = d2l.arange(0, 3, 0.5)
d2l.plot(x, [x * 2, d2l.numpy(x) ** 2, [float(v) for v in d2l.numpy(x)]], 'x', 'y',
         legend=['2x', 'x^2', 'x'])
"""),
]

STATES = {
    "mxnet": """
def init_momentum_states(feature_dim):
    v_w = d2l.zeros((feature_dim, 1))
    v_b = d2l.zeros(1)
    return (v_w, v_b)
""",
    "pytorch": """
def init_momentum_states(feature_dim):
    v_w = d2l.zeros((feature_dim, 1))
    v_b = d2l.zeros(1)
    return (v_w, v_b)
""",
    "tensorflow": """
def init_momentum_states(features_dim):
    v_w = tf.Variable(d2l.zeros((features_dim, 1)))
    v_b = tf.Variable(d2l.zeros(1))
    return (v_w, v_b)
""",
    "jax": """
def init_momentum_states(feature_dim):
    return [jnp.zeros((feature_dim, 1)), jnp.zeros(1)]
""",
}

TRAINERS = {
    "mxnet": """
def sgd(params, states, hyperparams):
    for p in params:
        p[:] -= hyperparams['lr'] * p.grad

def sgd_momentum(params, states, hyperparams):
    for p, v in zip(params, states):
        v[:] = hyperparams['momentum'] * v + p.grad
        p[:] -= hyperparams['lr'] * v
""",
    "pytorch": """
def sgd(params, states, hyperparams):
    for p in params:
        p.data.sub_(hyperparams['lr'] * p.grad)
        p.grad.data.zero_()

def sgd_momentum(params, states, hyperparams):
    for p, v in zip(params, states):
        with torch.no_grad():
            v[:] = hyperparams['momentum'] * v + p.grad
            p[:] -= hyperparams['lr'] * v
        p.grad.data.zero_()
""",
    "tensorflow": """
def sgd(params, grads, states, hyperparams):
    for param, grad in zip(params, grads):
        param.assign_sub(hyperparams['lr'] * grad)

def sgd_momentum(params, grads, states, hyperparams):
    for p, v, g in zip(params, states, grads):
        v[:].assign(hyperparams['momentum'] * v + g)
        p[:].assign(p - hyperparams['lr'] * v)
""",
    "jax": """
def sgd(params, grads, states, hyperparams):
    lr = hyperparams['lr']
    return jax.tree.map(lambda p, g: p - lr * g, params, grads), states

def sgd_momentum(params, grads, states, hyperparams):
    lr, beta = hyperparams['lr'], hyperparams['momentum']
    states = jax.tree.map(lambda v, g: beta * v + g, states, grads)
    params = jax.tree.map(lambda p, v: p - lr * v, params, states)
    return params, states
""",
}

#: The momentum chapter's settings (learning rate, momentum).
SETTINGS = [(0.02, 0.5), (0.01, 0.9), (0.005, 0.9)]

SCRATCH_SETUP = """
def train_momentum(lr, momentum, num_epochs=2):
    return d2l.train_ch11(sgd_momentum, init_momentum_states(feature_dim),
                          {'lr': lr, 'momentum': momentum}, data_iter,
                          feature_dim, num_epochs)

def train_sgd(lr, num_epochs=2):
    return d2l.train_ch11(sgd, None, {'lr': lr}, data_iter, feature_dim, num_epochs)

data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
"""

CONCISE = {
    "mxnet": """
def train_concise(lr, momentum):
    hyperparams = {'learning_rate': lr}
    if momentum:
        hyperparams['momentum'] = momentum
    return d2l.train_concise_ch11('sgd', hyperparams, data_iter)
""",
    "pytorch": """
def train_concise(lr, momentum):
    hyperparams = {'lr': lr}
    if momentum:
        hyperparams['momentum'] = momentum
    return d2l.train_concise_ch11(torch.optim.SGD, hyperparams, data_iter)
""",
    "tensorflow": """
def train_concise(lr, momentum):
    hyperparams = {'learning_rate': lr}
    if momentum:
        hyperparams['momentum'] = momentum
    return d2l.train_concise_ch11(tf.keras.optimizers.SGD, hyperparams, data_iter)
""",
    "jax": """
def train_concise(lr, momentum):
    hyperparams = {'learning_rate': lr}
    if momentum:
        hyperparams['momentum'] = momentum
    return d2l.train_concise_ch11(optax.sgd, hyperparams, data_iter)
""",
}

MINIBATCH = [
    ("minibatch_sizes", """
def train_sgd_batch(lr, batch_size, num_epochs=2):
    data_iter, feature_dim = d2l.get_data_ch11(batch_size)
    return d2l.train_ch11(sgd, None, {'lr': lr}, data_iter, feature_dim, num_epochs)

gd_res = train_sgd_batch(1, 1500, 4)
mini_res = train_sgd_batch(.4, 100)
d2l.set_figsize([6, 3])
d2l.plot(*list(map(list, zip(gd_res, mini_res))), 'time (sec)', 'loss',
         xlim=[1e-3, 10], legend=['gd', 'batch size=100'])
d2l.plt.gca().set_xscale('log')
"""),
    ("data_batches", """
batches = d2l.get_data_ch11(batch_size=7, n=20, seed=3)[0]
batch_shapes = [(tuple(X.shape), tuple(y.shape)) for X, y in batches]
first_epoch = [d2l.numpy(y).tolist() for X, y in batches]
second_epoch = [d2l.numpy(y).tolist() for X, y in batches]
batch_type = type(next(iter(batches))[0]).__module__
num_batches = len(batches)
"""),
    ("helpers", """
d2l.seed(5)
normal_draws = d2l.numpy(d2l.normal(0.0, 1, (2, 3))).tolist()
helpers = {
    'arange': [str(d2l.numpy(d2l.arange(4)).dtype), d2l.numpy(d2l.arange(4)).tolist()],
    'arange_float': [str(d2l.numpy(d2l.arange(-1.0, 1.0, 0.5)).dtype),
                     d2l.numpy(d2l.arange(-1.0, 1.0, 0.5)).tolist()],
    'zeros': d2l.numpy(d2l.zeros((2, 1))).tolist(),
    'ones': d2l.numpy(d2l.ones(3)).tolist(),
    'tensor': [str(d2l.numpy(d2l.tensor([[1, 2], [3, 4]])).dtype),
               str(d2l.numpy(d2l.tensor([0.5])).dtype)],
    'reshape': list(d2l.numpy(d2l.reshape(d2l.arange(6), (2, 3))).shape),
    'matmul': d2l.numpy(d2l.matmul(d2l.ones((2, 3)), d2l.ones((3, 1)))).tolist(),
    'float32': str(d2l.float32),
    'linreg': d2l.numpy(d2l.linreg(d2l.ones((2, 3)), d2l.ones((3, 1)), d2l.zeros(1))).tolist(),
    'squared_loss': d2l.numpy(d2l.squared_loss(d2l.tensor([[1.0], [3.0]]),
                                               d2l.tensor([2.0, 0.0]))).tolist(),
    'evaluate_loss': d2l.evaluate_loss(lambda X: d2l.zeros((X.shape[0], 1)),
                                       data_iter, d2l.squared_loss),
}
"""),
]

BAD_INPUT = [
    ("bad_lr_negative", "train_sgd(-0.1)"),
    ("bad_lr_nan", "train_momentum(float('nan'), 0.5)"),
    ("bad_momentum_one", "train_momentum(0.01, 1.0)"),
    ("bad_momentum_negative", "train_concise(0.01, -0.5)"),
    ("bad_concise_lr_zero", "train_concise(0, 0.5)"),
    ("bad_states_count", """
d2l.train_ch11(sgd_momentum, init_momentum_states(feature_dim) * 2,
               {'lr': 0.01, 'momentum': 0.9}, data_iter, feature_dim)
"""),
    ("bad_batch_size", "d2l.get_data_ch11(batch_size=0)"),
    ("bad_n_zero", "d2l.get_data_ch11(n=0)"),
    ("bad_n_too_large", "d2l.get_data_ch11(n=1504)"),
    ("bad_trainer_returns_nothing", """
def forgetful_2d(x1, x2, s1, s2):
    x1, x2 = x1 - 0.1 * x1, x2 - 0.1 * x2
d2l.train_2d(forgetful_2d)
"""),
    ("bad_trainer_returns_two", "d2l.train_2d(lambda x1, x2, s1, s2: (x1, x2))"),
    ("bad_concise_trainer_type", "d2l.train_concise_ch11(len, {'lr': 0.01}, data_iter)"),
]


#: Each framework's adaptive optimizers by their usual names and keywords, on a small slice of
#: the data: Adagrad configured as the algorithm written from scratch (accumulator from 0,
#: epsilon 1e-6 inside the square root), then RMSProp, Adadelta and Adam.
ADAPTIVE = {
    "mxnet": """
small_iter, _ = d2l.get_data_ch11(batch_size=10, n=300)
adaptive = {
    'adagrad': d2l.train_concise_ch11('adagrad', {'learning_rate': 0.1, 'eps': 1e-6}, small_iter, 1)[1],
    'rmsprop': d2l.train_concise_ch11('rmsprop', {'learning_rate': 0.01, 'gamma1': 0.9, 'epsilon': 1e-6},
                                      small_iter, 1)[1],
    'adadelta': d2l.train_concise_ch11('adadelta', {'rho': 0.9, 'epsilon': 1e-5}, small_iter, 1)[1],
    'adam': d2l.train_concise_ch11('Adam', {'learning_rate': 0.01, 'beta1': 0.9, 'beta2': 0.999},
                                   small_iter, 1)[1],
}
""",
    "pytorch": """
small_iter, _ = d2l.get_data_ch11(batch_size=10, n=300)
adaptive = {
    'adagrad': d2l.train_concise_ch11(torch.optim.Adagrad, {'lr': 0.1, 'eps': 0, 'initial_accumulator_value': 1e-6},
                                      small_iter, 1)[1],
    'rmsprop': d2l.train_concise_ch11(torch.optim.RMSprop, {'lr': 0.01, 'alpha': 0.9, 'eps': 1e-6}, small_iter, 1)[1],
    'adadelta': d2l.train_concise_ch11(torch.optim.Adadelta, {'lr': 1.0, 'rho': 0.9, 'eps': 1e-5}, small_iter, 1)[1],
    'adam': d2l.train_concise_ch11(torch.optim.Adam, {'lr': 0.01, 'betas': (0.9, 0.999)}, small_iter, 1)[1],
}
""",
    "tensorflow": """
small_iter, _ = d2l.get_data_ch11(batch_size=10, n=300)
adaptive = {
    'adagrad': d2l.train_concise_ch11(tf.keras.optimizers.Adagrad,
                                      {'learning_rate': 0.1, 'initial_accumulator_value': 0.0, 'epsilon': 1e-6},
                                      small_iter, 1)[1],
    'rmsprop': d2l.train_concise_ch11(tf.keras.optimizers.RMSprop, {'learning_rate': 0.01, 'rho': 0.9, 'epsilon': 1e-6},
                                      small_iter, 1)[1],
    'adadelta': d2l.train_concise_ch11(tf.keras.optimizers.Adadelta, {'learning_rate': 1.0, 'rho': 0.9, 'epsilon': 1e-5},
                                       small_iter, 1)[1],
    'adam': d2l.train_concise_ch11(tf.keras.optimizers.Adam, {'learning_rate': 0.01, 'beta_1': 0.9, 'beta_2': 0.999},
                                   small_iter, 1)[1],
}
""",
    "jax": """
small_iter, _ = d2l.get_data_ch11(batch_size=10, n=300)
adaptive = {
    'adagrad': d2l.train_concise_ch11(optax.adagrad,
                                      {'learning_rate': 0.1, 'initial_accumulator_value': 0.0, 'eps': 1e-6},
                                      small_iter, 1)[1],
    'rmsprop': d2l.train_concise_ch11(optax.rmsprop, {'learning_rate': 0.01, 'decay': 0.9, 'eps': 1e-6},
                                      small_iter, 1)[1],
    'adadelta': d2l.train_concise_ch11(optax.adadelta, {'learning_rate': 1.0, 'rho': 0.9, 'eps': 1e-5},
                                       small_iter, 1)[1],
    'adam': d2l.train_concise_ch11(optax.adam, {'learning_rate': 0.01, 'b1': 0.9, 'b2': 0.999}, small_iter, 1)[1],
}
""",
}

#: Adaptive hyperparameters written from scratch that the shim refuses, the same in every framework.
BAD_SCRATCH = [
    ("bad_scratch_gamma_one", "d2l.train_ch11(sgd, None, {'lr': 0.1, 'gamma': 1.0}, data_iter, feature_dim)"),
    ("bad_scratch_rho_negative", "d2l.train_ch11(sgd, None, {'lr': 0.1, 'rho': -0.1}, data_iter, feature_dim)"),
    ("bad_scratch_beta2_nan", "d2l.train_ch11(sgd, None, {'lr': 0.1, 'beta1': 0.9, 'beta2': float('nan')}, "
                              "data_iter, feature_dim)"),
    ("bad_scratch_eps_negative", "d2l.train_ch11(sgd, None, {'lr': 0.1, 'eps': -1e-6}, data_iter, feature_dim)"),
    ("bad_scratch_lr_inf", "d2l.train_ch11(sgd, None, {'lr': float('inf'), 'gamma': 0.9}, data_iter, feature_dim)"),
]

#: Each framework's optimizers given a wrong name, a wrong keyword or a bad value by its own
#: keyword: (cell name, call). The same cell names in every framework.
BAD_CONCISE = {
    "mxnet": [
        ("bad_optimizer_name", "d2l.train_concise_ch11('adagrd', {'learning_rate': 0.1}, data_iter)"),
        ("bad_optimizer_keyword", "d2l.train_concise_ch11('rmsprop', {'learning_rate': 0.01, 'rho': 0.9}, data_iter)"),
        ("bad_optimizer_decay", "d2l.train_concise_ch11('rmsprop', {'learning_rate': 0.01, 'gamma1': 1.0}, data_iter)"),
        ("bad_optimizer_second_decay", "d2l.train_concise_ch11('adam', {'beta1': 0.9, 'beta2': 1.5}, data_iter)"),
        ("bad_optimizer_eps", "d2l.train_concise_ch11('adagrad', {'learning_rate': 0.1, 'eps': -1e-7}, data_iter)"),
        ("bad_optimizer_lr", "d2l.train_concise_ch11('adam', {'learning_rate': -0.01}, data_iter)"),
    ],
    "pytorch": [
        ("bad_optimizer_name", "d2l.train_concise_ch11('adagrad', {'lr': 0.1}, data_iter)"),
        ("bad_optimizer_keyword", "d2l.train_concise_ch11(torch.optim.RMSprop, {'lr': 0.01, 'rho': 0.9}, data_iter)"),
        ("bad_optimizer_decay", "d2l.train_concise_ch11(torch.optim.RMSprop, {'lr': 0.01, 'alpha': 1.0}, data_iter)"),
        ("bad_optimizer_second_decay", "d2l.train_concise_ch11(torch.optim.Adam, {'betas': (0.9, 1.5)}, data_iter)"),
        ("bad_optimizer_eps", "d2l.train_concise_ch11(torch.optim.Adagrad, {'lr': 0.1, 'eps': -1e-7}, data_iter)"),
        ("bad_optimizer_lr", "d2l.train_concise_ch11(torch.optim.Adam, {'lr': -0.01}, data_iter)"),
        ("bad_optimizer_accumulator", "d2l.train_concise_ch11(torch.optim.Adagrad, "
                                      "{'lr': 0.1, 'initial_accumulator_value': -0.1}, data_iter)"),
        ("bad_optimizer_lr_decay", "d2l.train_concise_ch11(torch.optim.Adagrad, {'lr': 0.1, 'lr_decay': -1}, data_iter)"),
        ("bad_optimizer_rho", "d2l.train_concise_ch11(torch.optim.Adadelta, {'rho': 1.0}, data_iter)"),
    ],
    "tensorflow": [
        ("bad_optimizer_name", "d2l.train_concise_ch11('RMSProp', {'learning_rate': 0.01}, data_iter)"),
        ("bad_optimizer_keyword", "d2l.train_concise_ch11(tf.keras.optimizers.RMSprop, "
                                  "{'learning_rate': 0.01, 'gamma': 0.9}, data_iter)"),
        ("bad_optimizer_decay", "d2l.train_concise_ch11(tf.keras.optimizers.RMSprop, "
                                "{'learning_rate': 0.01, 'rho': 1.0}, data_iter)"),
        ("bad_optimizer_second_decay", "d2l.train_concise_ch11(tf.keras.optimizers.Adam, {'beta_2': 1.5}, data_iter)"),
        ("bad_optimizer_eps", "d2l.train_concise_ch11(tf.keras.optimizers.Adagrad, "
                              "{'learning_rate': 0.1, 'epsilon': -1e-7}, data_iter)"),
        ("bad_optimizer_lr", "d2l.train_concise_ch11(tf.keras.optimizers.Adam, {'learning_rate': -0.01}, data_iter)"),
        ("bad_optimizer_accumulator", "d2l.train_concise_ch11(tf.keras.optimizers.Adagrad, "
                                      "{'learning_rate': 0.1, 'initial_accumulator_value': -0.1}, data_iter)"),
        ("bad_optimizer_beta_1", "d2l.train_concise_ch11(tf.keras.optimizers.Adam, {'beta_1': -0.1}, data_iter)"),
        ("bad_optimizer_rho", "d2l.train_concise_ch11(tf.keras.optimizers.Adadelta, {'rho': 1.0}, data_iter)"),
    ],
    "jax": [
        ("bad_optimizer_name", "d2l.train_concise_ch11('adam', {'learning_rate': 0.01}, data_iter)"),
        ("bad_optimizer_keyword", "d2l.train_concise_ch11(optax.rmsprop, "
                                  "{'learning_rate': 0.01, 'rho': 0.9}, data_iter)"),
        ("bad_optimizer_decay", "d2l.train_concise_ch11(optax.rmsprop, "
                                "{'learning_rate': 0.01, 'decay': 1.0}, data_iter)"),
        ("bad_optimizer_second_decay", "d2l.train_concise_ch11(optax.adam, "
                                       "{'learning_rate': 0.01, 'b2': 1.5}, data_iter)"),
        ("bad_optimizer_eps", "d2l.train_concise_ch11(optax.adagrad, {'learning_rate': 0.1, 'eps': -1e-7}, data_iter)"),
        ("bad_optimizer_lr", "d2l.train_concise_ch11(optax.adam, {'learning_rate': -0.01}, data_iter)"),
        ("bad_optimizer_accumulator", "d2l.train_concise_ch11(optax.adagrad, "
                                      "{'learning_rate': 0.1, 'initial_accumulator_value': -0.1}, data_iter)"),
        ("bad_optimizer_b1", "d2l.train_concise_ch11(optax.adam, {'learning_rate': 0.01, 'b1': -0.1}, data_iter)"),
        ("bad_optimizer_rho", "d2l.train_concise_ch11(optax.adadelta, {'learning_rate': 1.0, 'rho': 1.0}, data_iter)"),
        ("bad_optimizer_no_lr", "d2l.train_concise_ch11(optax.adam, {'b1': 0.9}, data_iter)"),
        ("bad_optimizer_instance", "d2l.train_concise_ch11(optax.sgd(0.01), {}, data_iter)"),
        ("bad_optimizer_lbfgs", "d2l.train_concise_ch11(optax.lbfgs, {'learning_rate': 0.1}, data_iter)"),
    ],
}

#: Trainers written from scratch that return the wrong thing, by framework. Only JAX's
#: trainers return their results (the others update the parameters in place), so only JAX
#: has these cells: one written as a PyTorch reader would (it returns nothing), one that
#: returns the new parameters only, and one that returns w, b and the states side by side.
BAD_RETURNS = {
    "jax": [
        ("bad_jax_trainer_in_place", """
def sgd_in_place(params, grads, states, hyperparams):
    for p, g in zip(params, grads):
        p -= hyperparams['lr'] * g
d2l.train_ch11(sgd_in_place, None, {'lr': 0.01}, data_iter, feature_dim)
"""),
        ("bad_jax_trainer_params_only", """
def sgd_params_only(params, grads, states, hyperparams):
    return jax.tree.map(lambda p, g: p - hyperparams['lr'] * g, params, grads)
d2l.train_ch11(sgd_params_only, None, {'lr': 0.01}, data_iter, feature_dim)
"""),
        ("bad_jax_trainer_flat", """
def sgd_flat(params, grads, states, hyperparams):
    (w, b), (dw, db) = params, grads
    return w - hyperparams['lr'] * dw, b - hyperparams['lr'] * db, states
d2l.train_ch11(sgd_flat, None, {'lr': 0.01}, data_iter, feature_dim)
"""),
    ],
}


def cells(framework):
    """Return the ordered ``(name, source)`` cells of one framework."""
    scratch = [(f"scratch_momentum_{lr}_{m}", f"result = train_momentum({lr}, {m})")
               for lr, m in SETTINGS]
    scratch += [(f"scratch_sgd_{lr}", f"result = train_sgd({lr})") for lr, _ in SETTINGS]
    concise = [(f"concise_momentum_{lr}_{m}", f"result = train_concise({lr}, {m})")
               for lr, m in SETTINGS]
    concise += [(f"concise_sgd_{lr}", f"result = train_concise({lr}, 0)") for lr, _ in SETTINGS]
    return ([("imports", IMPORTS[framework])] + TWO_D
            + [("states", STATES[framework]), ("trainers", TRAINERS[framework]),
               ("scratch_setup", SCRATCH_SETUP), ("concise_setup", CONCISE[framework])]
            + scratch + concise + MINIBATCH + BAD_INPUT + BAD_RETURNS.get(framework, [])
            + [("adaptive", ADAPTIVE[framework])] + BAD_SCRATCH + BAD_CONCISE[framework])

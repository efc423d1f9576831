#!/usr/bin/python3
"""More torch-rng fixture sets, same form as data/fixtures/torch-rng/torch_rng.json,
for other seeds. Needs Debian's python3-torch; not used by the build or CI.

    /usr/bin/python3 notes/tools/make_torch_rng_sets.py OUT_DIR SEED [SEED ...]

Run the tests against them: LLM_FIXTURES_DIR=OUT_DIR ./book test common
"""
import json, os, sys
import torch

def cases(seed):
    def seeded(name, code, fn, dtype="float32"):
        torch.manual_seed(seed)
        t = fn()
        t = t.detach() if isinstance(t, torch.Tensor) else torch.tensor(t)
        shape = list(t.shape)
        t = t.reshape(-1)
        vals = [int(v) for v in t.tolist()] if dtype == "int64" else [float(v) for v in t.tolist()]
        return {"name": name, "seed": seed, "code": code.replace("SEED", str(seed)), "shape": shape,
                "dtype": dtype, "values": vals}
    out = []
    def linb():
        l = torch.nn.Linear(3, 2)
        return torch.cat([l.weight.flatten(), l.bias])
    def sampler(two):
        s = torch.utils.data.RandomSampler(range(9))
        return list(s) + list(s) if two else list(s)
    specs = [
        ("rand_6x3", "torch.manual_seed(SEED); torch.rand(6, 3)", lambda: torch.rand(6, 3), "float32"),
        ("rand_3x2_x3", "torch.manual_seed(SEED); three rand(3,2) concatenated",
         lambda: torch.cat([torch.rand(3, 2), torch.rand(3, 2), torch.rand(3, 2)]), "float32"),
        ("randn_5", "torch.manual_seed(SEED); torch.randn(5)", lambda: torch.randn(5), "float32"),
        ("randn_16", "torch.manual_seed(SEED); torch.randn(16)", lambda: torch.randn(16), "float32"),
        ("randn_40", "torch.manual_seed(SEED); torch.randn(40)", lambda: torch.randn(40), "float32"),
        ("randn_2x3x4", "torch.manual_seed(SEED); torch.randn(2, 3, 4)", lambda: torch.randn(2, 3, 4), "float32"),
        ("embedding_6x3", "torch.manual_seed(SEED); torch.nn.Embedding(6, 3).weight",
         lambda: torch.nn.Embedding(6, 3).weight, "float32"),
        ("embedding_50257x4_first_row_block", "torch.manual_seed(SEED); torch.nn.Embedding(50257, 4).weight[:3]",
         lambda: torch.nn.Embedding(50257, 4).weight[:3], "float32"),
        ("linear_3x2_weight", "torch.manual_seed(SEED); torch.nn.Linear(3, 2, bias=False).weight",
         lambda: torch.nn.Linear(3, 2, bias=False).weight, "float32"),
        ("linear_3x2_bias_weight_then_bias", "torch.manual_seed(SEED); weight then bias", linb, "float32"),
        ("linear_768x10_first_col", "torch.manual_seed(SEED); torch.nn.Linear(768, 10).weight[:, 0]",
         lambda: torch.nn.Linear(768, 10).weight[:, 0], "float32"),
        ("randperm_10", "torch.manual_seed(SEED); torch.randperm(10)", lambda: torch.randperm(10), "int64"),
        ("dropout_ones_6x6_p0.5", "torch.manual_seed(SEED); torch.nn.Dropout(0.5)(torch.ones(6, 6))",
         lambda: torch.nn.Dropout(0.5)(torch.ones(6, 6)), "float32"),
        ("dropout_ones_4x16_p0.1", "torch.manual_seed(SEED); torch.nn.Dropout(0.1)(torch.ones(4, 16))",
         lambda: torch.nn.Dropout(0.1)(torch.ones(4, 16)), "float32"),
        ("multinomial_probs", "torch.manual_seed(SEED); multinomial([0.1,0.2,0.3,0.4], 10, replacement=True)",
         lambda: torch.multinomial(torch.tensor([0.1, 0.2, 0.3, 0.4]), num_samples=10, replacement=True), "int64"),
        ("int64_random_", "torch.manual_seed(SEED); torch.empty((), dtype=torch.int64).random_()",
         lambda: torch.empty((), dtype=torch.int64).random_().reshape(1), "int64"),
        ("random_sampler_9", "torch.manual_seed(SEED); list(RandomSampler(range(9)))", lambda: sampler(False), "int64"),
        ("random_sampler_9_two_epochs", "torch.manual_seed(SEED); list(s)+list(s)", lambda: sampler(True), "int64"),
    ]
    with torch.no_grad():
        for name, code, fn, dtype in specs:
            out.append(seeded(name, code, fn, dtype))
    return out

out_dir = sys.argv[1]
os.makedirs(out_dir, exist_ok=True)
for s in sys.argv[2:]:
    seed = int(s)
    with open(os.path.join(out_dir, f"torch_rng_seed{seed}.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "cases": cases(seed)}, f)

#!/usr/bin/python3
"""A GPT model fixture set of the gpt-tiny-book form (book state_dict layout)
for another seed and size, computed by the book's GPTModel in PyTorch (the
classes of notes/tools/pytorch_book_gpt.py), randomly initialised. Not used
by the build or CI. Then: LLM_FIXTURES_DIR=OUT ./book test

    /usr/bin/python3 notes/tools/make_gpt_book_set.py OUT SEED CONTEXT EMB HEADS LAYERS QKV_BIAS IDS_FILE
IDS_FILE: whitespace-separated GPT-2 ids of some text (./build/ch02/ch02 encode data/the-verdict.txt).
"""
import json, os, struct, sys
import torch

here = os.path.dirname(os.path.abspath(__file__))
exec(open(os.path.join(here, "pytorch_book_gpt.py")).read().split("\ncfg = ")[0])  # the book's classes

out, seed, ctx, emb, heads, layers, qkv = sys.argv[1], *map(int, sys.argv[2:8])
ids = [int(x) for x in open(sys.argv[8]).read().split()]
cfg = {"vocab_size": 50257, "context_length": ctx, "emb_dim": emb, "n_heads": heads, "n_layers": layers,
       "drop_rate": 0.0, "qkv_bias": bool(qkv)}
torch.manual_seed(seed)
model = GPTModel(cfg)
model.eval()
os.makedirs(out, exist_ok=True)

def save_safetensors(path, tensors):
    header, data, off = {}, b"", 0
    for name, t in tensors.items():
        b = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        data += b; off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - (len(h) + 8) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h))); f.write(h); f.write(data)

sd = {k: v.clone() for k, v in model.state_dict().items() if not k.endswith(".mask")}
save_safetensors(os.path.join(out, "weights.safetensors"), sd)
json.dump(cfg, open(os.path.join(out, "config.json"), "w"))

T = min(16, ctx)
offsets = [0, 37]
inp = torch.tensor([ids[o:o + T] for o in offsets]); tgt = torch.tensor([ids[o + 1:o + T + 1] for o in offsets])
e = {"set": f"book layout, seed {seed}, random init", "batch": {"input_ids": inp.tolist(), "target_ids": tgt.tolist()}}
logits = model(inp)
e["logits"] = {"shape": list(logits.shape), "mean": logits.double().mean().item(), "std": logits.double().std().item(),
               "argmax": logits.argmax(-1).tolist()}
loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), tgt.flatten())
e["loss"] = loss.item(); e["perplexity"] = float(torch.exp(loss.double()))
loss.backward()
norms = {n: p.grad.double().norm().item() for n, p in model.named_parameters()}
e["grad_l2_norms"] = norms
e["grad_l2_norm_total"] = sum(v * v for v in norms.values()) ** 0.5
if qkv:  # d loss / d W_key.bias is zero in exact arithmetic (softmax ignores a per-query constant)
    e["noise_dominated"] = {"names": [n for n in norms if n.endswith("att.W_key.bias")],
                            "why": "mathematically zero gradient; float32 round-off, amplified by AdamW"}
expected = {"last_logits": logits[:, -1, :]}
opt = torch.optim.AdamW(model.parameters(), lr=5e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
losses = []
for k in range(5):
    opt.zero_grad()
    l = torch.nn.functional.cross_entropy(model(inp).flatten(0, 1), tgt.flatten())
    losses.append(l.item()); l.backward(); opt.step()
with torch.no_grad():
    losses.append(torch.nn.functional.cross_entropy(model(inp).flatten(0, 1), tgt.flatten()).item())
e["adamw"] = {"lr": 5e-4, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.1, "steps": 5, "losses": losses}
for n, p in model.named_parameters():
    if p.numel() <= 200000: expected["after_adamw5." + n] = p.detach().clone()
# generation from the set's weights (reload them: AdamW changed the model)
torch.manual_seed(seed)
model = GPTModel(cfg); model.load_state_dict(sd, strict=False); model.eval()
prompt = [6109, 3626, 6100, 345]
def greedy(n_new):
    idx = torch.tensor([prompt])
    with torch.no_grad():
        for _ in range(n_new):
            nxt = model(idx[:, -ctx:])[:, -1, :].argmax(-1, keepdim=True)
            idx = torch.cat([idx, nxt], 1)
    return idx[0].tolist()
e["greedy"] = {"prompt_ids": prompt, "context_size": ctx, "output_ids": greedy(10)}
e["greedy_long"] = {"prompt_ids": prompt, "context_size": ctx, "output_ids": greedy(ctx + 8 - len(prompt))}
with torch.no_grad():
    nl = model(torch.tensor([prompt]))[0, -1, :]
expected["prompt_next_logits"] = nl
tk = []
for k, temp in [(3, 0.5), (3, 2.0)]:
    top = torch.topk(nl, k)
    masked = torch.where(nl < top.values[-1], torch.tensor(float("-inf")), nl)
    probs = torch.softmax(masked / temp, dim=0)
    order = torch.argsort(probs, descending=True)[:k]
    tk.append({"top_k": k, "temperature": temp, "ids": order.tolist(), "probs": probs[order].tolist(),
               "num_nonzero": int((probs > 0).sum())})
e["next_token"] = {"prompt_ids": prompt, "topk_temperature": tk}
save_safetensors(os.path.join(out, "expected.safetensors"), expected)
json.dump(e, open(os.path.join(out, "expected.json"), "w"))
print("wrote", out)

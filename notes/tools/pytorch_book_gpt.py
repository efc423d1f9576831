# The book's GPTModel (ch04), written from its listings, for a same-machine timing
# and to check that our checkpoints load with strict load_state_dict.
#   /usr/bin/python3 notes/tools/pytorch_book_gpt.py bench [threads]     (Debian: apt-get install python3-torch)
#   /usr/bin/python3 notes/tools/pytorch_book_gpt.py load output/ch05/model.safetensors
#   /usr/bin/python3 notes/tools/pytorch_book_gpt.py finetune [threads]  (chapter 6's step, the book's freezing)
#   /usr/bin/python3 notes/tools/pytorch_book_gpt.py lora [threads]      (appendix E's step, rank 16, alpha 16)
#   /usr/bin/python3 notes/tools/pytorch_book_gpt.py instruct SIZE [threads] [reps] [T]  (chapter 7's step, small|medium)
#   /usr/bin/python3 notes/tools/pytorch_book_gpt.py respond [threads] [prompts] [new] [T]  (7.7's generate, one by one)
# Not part of the build or CI.
import sys, time, torch, torch.nn as nn
class MultiHeadAttention(nn.Module):
    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        self.d_out = d_out; self.num_heads = num_heads; self.head_dim = d_out // num_heads
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), diagonal=1))
    def forward(self, x):
        b, n, _ = x.shape
        k = self.W_key(x).view(b, n, self.num_heads, self.head_dim).transpose(1, 2)
        q = self.W_query(x).view(b, n, self.num_heads, self.head_dim).transpose(1, 2)
        v = self.W_value(x).view(b, n, self.num_heads, self.head_dim).transpose(1, 2)
        s = q @ k.transpose(2, 3)
        s.masked_fill_(self.mask.bool()[:n, :n], -torch.inf)
        w = self.dropout(torch.softmax(s / k.shape[-1] ** 0.5, dim=-1))
        return self.out_proj((w @ v).transpose(1, 2).contiguous().view(b, n, self.d_out))
class LayerNorm(nn.Module):
    def __init__(self, d):
        super().__init__(); self.eps = 1e-5; self.scale = nn.Parameter(torch.ones(d)); self.shift = nn.Parameter(torch.zeros(d))
    def forward(self, x):
        m = x.mean(dim=-1, keepdim=True); v = x.var(dim=-1, keepdim=True, unbiased=False)
        return self.scale * (x - m) / torch.sqrt(v + self.eps) + self.shift
class GELU(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1 + torch.tanh(torch.sqrt(torch.tensor(2.0 / torch.pi)) * (x + 0.044715 * torch.pow(x, 3))))
class FeedForward(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(cfg["emb_dim"], 4 * cfg["emb_dim"]), GELU(), nn.Linear(4 * cfg["emb_dim"], cfg["emb_dim"]))
    def forward(self, x): return self.layers(x)
class TransformerBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.att = MultiHeadAttention(cfg["emb_dim"], cfg["emb_dim"], cfg["context_length"], cfg["drop_rate"], cfg["n_heads"], cfg["qkv_bias"])
        self.ff = FeedForward(cfg); self.norm1 = LayerNorm(cfg["emb_dim"]); self.norm2 = LayerNorm(cfg["emb_dim"])
        self.drop_shortcut = nn.Dropout(cfg["drop_rate"])
    def forward(self, x):
        x = x + self.drop_shortcut(self.att(self.norm1(x)))
        return x + self.drop_shortcut(self.ff(self.norm2(x)))
class GPTModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok_emb = nn.Embedding(cfg["vocab_size"], cfg["emb_dim"]); self.pos_emb = nn.Embedding(cfg["context_length"], cfg["emb_dim"])
        self.drop_emb = nn.Dropout(cfg["drop_rate"])
        self.trf_blocks = nn.Sequential(*[TransformerBlock(cfg) for _ in range(cfg["n_layers"])])
        self.final_norm = LayerNorm(cfg["emb_dim"]); self.out_head = nn.Linear(cfg["emb_dim"], cfg["vocab_size"], bias=False)
    def forward(self, idx):
        n = idx.shape[1]
        x = self.drop_emb(self.tok_emb(idx) + self.pos_emb(torch.arange(n)))
        return self.out_head(self.final_norm(self.trf_blocks(x)))
cfg = {"vocab_size": 50257, "context_length": 256, "emb_dim": 768, "n_heads": 12, "n_layers": 12, "drop_rate": 0.1, "qkv_bias": False}
if sys.argv[1] == "bench":
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else torch.get_num_threads())
    print("torch", torch.__version__, "threads", torch.get_num_threads())
    torch.manual_seed(123); model = GPTModel(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=4e-4, weight_decay=0.1)
    x = torch.randint(0, 50257, (2, 256)); y = torch.randint(0, 50257, (2, 256))
    def step():
        opt.zero_grad(); loss = nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten()); loss.backward(); opt.step()
    step(); step()  # two warm-up steps, then the fastest of three
    best = 1e9
    for _ in range(3):
        t = time.time(); step(); best = min(best, time.time() - t)
    print("step_s", best)
    import resource
    print("peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6)
    model.eval()
    with torch.no_grad():
        xb = torch.randint(0, 50257, (8, 256)); model(xb); best = 1e9
        for _ in range(3):  # the fastest of three after a warm-up, as bench_gpt takes ours
            t = time.time(); model(xb); best = min(best, time.time() - t)
        print("forward_b8t256_s", best)
elif sys.argv[1] in ("finetune", "lora"):
    # Chapter 6 as the book runs it: GPT-2 124M (context 1024, qkv bias, no dropout),
    # everything frozen, then a new Linear(768, 2) head, the last block and the final
    # norm trainable; AdamW(lr 5e-5, wd 0.1) over model.parameters(); last-token loss.
    import resource
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else torch.get_num_threads())
    print("torch", torch.__version__, "threads", torch.get_num_threads())
    c = dict(cfg, context_length=1024, drop_rate=0.0, qkv_bias=True)
    torch.manual_seed(123); model = GPTModel(c)
    for p in model.parameters(): p.requires_grad = False
    torch.manual_seed(123); model.out_head = nn.Linear(768, 2)
    lr = 5e-5
    if sys.argv[1] == "finetune":
        for p in model.trf_blocks[-1].parameters(): p.requires_grad = True
        for p in model.final_norm.parameters(): p.requires_grad = True
    else:  # appendix E: the head frozen too, then every Linear wrapped (the book's code)
        class LoRALayer(nn.Module):
            def __init__(self, in_dim, out_dim, rank, alpha):
                super().__init__()
                self.A = nn.Parameter(torch.empty(in_dim, rank)); nn.init.kaiming_uniform_(self.A, a=5 ** 0.5)
                self.B = nn.Parameter(torch.zeros(rank, out_dim)); self.alpha = alpha; self.rank = rank
            def forward(self, x): return (self.alpha / self.rank) * (x @ self.A @ self.B)
        class LinearWithLoRA(nn.Module):
            def __init__(self, linear, rank, alpha):
                super().__init__(); self.linear = linear; self.lora = LoRALayer(linear.in_features, linear.out_features, rank, alpha)
            def forward(self, x): return self.linear(x) + self.lora(x)
        def replace_linear_with_lora(model, rank, alpha):
            for name, module in model.named_children():
                if isinstance(module, nn.Linear): setattr(model, name, LinearWithLoRA(module, rank, alpha))
                else: replace_linear_with_lora(module, rank, alpha)
        for p in model.parameters(): p.requires_grad = False
        replace_linear_with_lora(model, 16, 16); lr = 8e-4
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.1)
    x = torch.randint(0, 50257, (8, 120)); y = torch.randint(0, 2, (8,))
    model.train()
    def step():
        opt.zero_grad(); loss = nn.functional.cross_entropy(model(x)[:, -1, :], y); loss.backward(); opt.step()
    step(); step()
    best = float("inf")
    for _ in range(int(sys.argv[3]) if len(sys.argv) > 3 else 5):
        t = time.time(); step(); best = min(best, time.time() - t)
    print(sys.argv[1] + "_step_s", best)
    print("peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6)
elif sys.argv[1] in ("instruct", "respond"):
    # Chapter 7 as the book runs it: GPT-2 (context 1024, qkv bias, no dropout), every
    # parameter trainable, AdamW(lr 5e-5, wd 0.1), cross-entropy over every position with
    # the padding targets -100 (a random batch of the book's first batch's shape, 8 x 61,
    # the last 10 targets of each row ignored). 'respond': the book's generate (no cache),
    # greedy, one prompt at a time, as the book's 7.7 loop does.
    import resource
    instruct = sys.argv[1] == "instruct"
    a = sys.argv[3:] if instruct else sys.argv[2:]
    size = sys.argv[2] if instruct else "small"
    torch.set_num_threads(int(a[0]) if len(a) > 0 else torch.get_num_threads())
    print("torch", torch.__version__, "threads", torch.get_num_threads())
    dims = {"small": (768, 12, 12), "medium": (1024, 24, 16)}[size]
    c = dict(cfg, context_length=1024, drop_rate=0.0, qkv_bias=True, emb_dim=dims[0], n_layers=dims[1], n_heads=dims[2])
    torch.manual_seed(123); model = GPTModel(c)
    if instruct:
        T = int(a[2]) if len(a) > 2 else 61
        x = torch.randint(0, 50257, (8, T)); y = torch.randint(0, 50257, (8, T)); y[:, -10:] = -100
        opt = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.1)
        model.train()
        def step():
            opt.zero_grad(); loss = nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten()); loss.backward(); opt.step()
        step(); step()
        best = float("inf")
        for _ in range(int(a[1]) if len(a) > 1 else 3):
            t = time.time(); step(); best = min(best, time.time() - t)
        print("instruct_" + size + "_step_s", best)
    else:
        n, new, T = (int(a[1]) if len(a) > 1 else 16), (int(a[2]) if len(a) > 2 else 32), (int(a[3]) if len(a) > 3 else 60)
        model.eval(); t = time.time()
        for i in range(n):
            idx = torch.randint(0, 50257, (1, T))
            for _ in range(new):
                with torch.no_grad(): logits = model(idx[:, -1024:])[:, -1, :]
                idx = torch.cat((idx, torch.argmax(logits, dim=-1, keepdim=True)), dim=1)
        print("respond_one_by_one_tokens_per_s", n * new / (time.time() - t))
    print("peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6)
else:
    from safetensors_reader import load
    import json
    meta, tensors = load(sys.argv[2])
    c = json.loads(meta["gpt_config"]); model = GPTModel(c)
    missing = model.load_state_dict({k: torch.tensor(v) for k, v in tensors.items()}, strict=True)
    print("strict load_state_dict:", missing)
    model.eval()
    ids = torch.tensor([[6109, 3626, 6100, 345]])
    for _ in range(10):
        with torch.no_grad(): ids = torch.cat([ids, model(ids)[:, -1].argmax(-1, keepdim=True)], 1)
    print("greedy ids:", ids[0].tolist())

// ch05: pretraining on unlabeled data. With no arguments, the chapter from
// start to end (it trains GPT-2 124M on the-verdict); subcommands train,
// generate and eval.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include "autograd.hpp"
#include "bench.hpp"
#include "blas_startup.hpp"
#include "cli_checks.hpp"
#include "walkthrough.hpp"
#include "checkpoint.hpp"
#include "corpus.hpp"
#include "data_parallel.hpp"
#include "decoding.hpp"
#include "error.hpp"
#include "generate.hpp"
#include "gpt2_weights.hpp"
#include "loss.hpp"
#include "ops.hpp"
#include "outputs.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "safetensors.hpp"
#include "storage.hpp"
#include "text_ids.hpp"
#include "train.hpp"
#include "utf8.hpp"

using namespace llm;
using namespace llm::ch05;
namespace fs = std::filesystem;

namespace {

const ch02::GPT2Tokenizer& tok() { return ch02::gpt2_tokenizer(); }

struct RunSettings {
    std::string text_file = (data_dir() / "the-verdict.txt").string();
    fs::path out = "output/ch05";
    int64_t epochs = 10, batch_size = 2, context_length = 256, eval_freq = 5, eval_iter = 5;
    float lr = 4e-4f, weight_decay = 0.1f;
    uint64_t seed = 123;
    int64_t warmup = 0;
    double initial_lr = 3e-5, min_lr = 1e-6;  // train_model's defaults in appendix D
    bool cosine = false;
    float clip = 0.0f;
    std::string resume;
    std::string corpus;  // a folder `prepare` wrote (instead of --text)
    int64_t emb_dim = 768, n_layers = 12, n_heads = 12;  // GPT-2 124M unless `train` says
    float drop_rate = 0.1f;
};

ch04::GPTConfig book_config(int64_t context_length) {
    ch04::GPTConfig cfg = ch04::GPT_CONFIG_124M();
    cfg.context_length = context_length;  // the book shortens it from 1024 to 256 for chapter 5
    return cfg;
}

// `train` may choose a smaller model (for corpora, experiments and tests).
ch04::GPTConfig train_config(const RunSettings& s) {
    ch04::GPTConfig cfg = book_config(s.context_length);
    cfg.emb_dim = s.emb_dim;
    cfg.n_layers = s.n_layers;
    cfg.n_heads = s.n_heads;
    cfg.drop_rate = s.drop_rate;
    cfg.validate();
    return cfg;
}

// Ctrl-C ended training: a clean stop with a checkpoint, not an error.
struct Interrupted : Error {
    using Error::Error;
};

struct Data {
    std::string train_text, val_text;  // --text
    std::unique_ptr<ch02::GPTDataLoader> text_train, text_val;
    std::unique_ptr<DataLoader<CorpusDataset>> corpus_train, corpus_val;  // --corpus
    std::unique_ptr<TokenLoader> train_loader, val_loader;  // views of the loaders above
};

void make_text_loaders(const RunSettings& s, Data& d) {
    const std::string text = read_file(s.text_file);
    if (text.empty()) throw ValueError(s.text_file + ": the text is empty");
    std::tie(d.train_text, d.val_text) = split_text(text, 0.9);
    manual_seed(s.seed);  // the book seeds before building the loaders (shuffling)
    try {
        d.text_train = std::make_unique<ch02::GPTDataLoader>(ch02::create_dataloader_v1(
            d.train_text, s.batch_size, s.context_length, s.context_length, true, true));
        d.text_val = std::make_unique<ch02::GPTDataLoader>(ch02::create_dataloader_v1(
            d.val_text, s.batch_size, s.context_length, s.context_length, false, false));
    } catch (const ValueError& e) { throw ValueError(s.text_file + ": " + e.what()); }
    d.train_loader = std::make_unique<TokenLoader>(*d.text_train);
    d.val_loader = std::make_unique<TokenLoader>(*d.text_val);
}

// The same windows (length and stride = the context length) over a prepared corpus.
void make_corpus_loaders(const RunSettings& s, Data& d) {
    const Corpus c = open_corpus(s.corpus);
    const auto windows = [&](const std::shared_ptr<const TokenFile>& ids, const char* split) {
        auto ds = std::make_shared<const CorpusDataset>(ids, s.context_length, s.context_length);
        if (ds->size() == 0)
            throw ValueError(s.corpus + ": the " + split + " split has " +
                             std::to_string(ids->size()) +
                             " tokens, too few for one window of --context-length " +
                             std::to_string(s.context_length) + " plus its shifted target");
        return ds;
    };
    auto train_ds = windows(c.train, "training"), val_ds = windows(c.val, "validation");
    manual_seed(s.seed);
    d.corpus_train =
        std::make_unique<DataLoader<CorpusDataset>>(train_ds, s.batch_size, true, true);
    d.corpus_val = std::make_unique<DataLoader<CorpusDataset>>(val_ds, s.batch_size, false, false);
    d.train_loader = std::make_unique<TokenLoader>(corpus_token_loader(*d.corpus_train));
    d.val_loader = std::make_unique<TokenLoader>(corpus_token_loader(*d.corpus_val));
    std::printf(
        "corpus %s: %lld training tokens (%lld documents), %lld validation tokens (%lld "
        "documents), mapped from disk\n",
        s.corpus.c_str(), static_cast<long long>(c.header.train_tokens),
        static_cast<long long>(c.header.train_documents),
        static_cast<long long>(c.header.val_tokens),
        static_cast<long long>(c.header.val_documents));
}

Data make_data(const RunSettings& s, bool verbose) {
    Data d;
    if (s.corpus.empty())
        make_text_loaders(s, d);
    else
        make_corpus_loaders(s, d);
    const std::string source = s.corpus.empty() ? s.text_file : s.corpus;
    if (d.train_loader->size() == 0)
        throw ValueError(source + ": not enough training tokens for one batch of " +
                         std::to_string(s.batch_size) + " x " + std::to_string(s.context_length) +
                         "; lower --batch-size or --context-length");
    if (verbose) {
        const auto print_shapes = [&](const TokenLoader& l, int64_t& tokens) {
            for (const auto& idx : l.epoch_indices()) {
                const auto shape = torch_size({static_cast<int64_t>(idx.size()), s.context_length});
                if (l.size() <= 100) std::printf("%s %s\n", shape.c_str(), shape.c_str());
                tokens += static_cast<int64_t>(idx.size()) * s.context_length;
            }
            if (l.size() > 100) std::printf("(%lld batches)\n", static_cast<long long>(l.size()));
        };
        int64_t train_tokens = 0, val_tokens = 0;
        std::printf("Train loader:\n");
        print_shapes(*d.train_loader, train_tokens);
        std::printf("\nValidation loader:\n");
        print_shapes(*d.val_loader, val_tokens);
        std::printf("\n");
        std::printf("Training tokens: %lld\nValidation tokens: %lld\nAll tokens: %lld\n",
                    static_cast<long long>(train_tokens), static_cast<long long>(val_tokens),
                    static_cast<long long>(train_tokens + val_tokens));
        manual_seed(s.seed);  // counting iterated the loaders; start them afresh as the book does
    }
    return d;
}

// Trains (or resumes), then writes the checkpoint, loss.csv and loss.svg.
// Under mpirun, every rank runs this (appendix A.9, data_parallel.hpp); rank 0
// alone prints, evaluates and writes files.
std::unique_ptr<ch04::GPTModel> run_training(const RunSettings& s, const Data& d) {
    const ch04::GPTConfig cfg = train_config(s);
    DataParallel& dp = DataParallel::get();
    manual_seed(s.seed);  // as the book: the seed, then the model and its optimizer, once
    auto model = std::make_unique<ch04::GPTModel>(cfg);
    AdamW optimizer(model->parameters(), s.lr, s.weight_decay);
    TrainOptions o;
    o.num_epochs = s.epochs;
    o.eval_freq = s.eval_freq;
    o.eval_iter = s.eval_iter;
    o.schedule = {s.warmup, s.initial_lr, s.cosine, s.min_lr};
    o.max_grad_norm = s.clip;
    o.checkpoint_dir = s.out / "checkpoint";
    o.progress_line = isatty(STDERR_FILENO);
    o.data_parallel = &dp;
    std::optional<TrainingState> state;
    if (!s.resume.empty()) {  // every rank reads the checkpoint (a folder all of them see)
        state = load_checkpoint(*model, optimizer, s.resume);
        if (dp.leader())
            std::printf("resuming from %s at epoch %lld, step %lld\n", s.resume.c_str(),
                        static_cast<long long>(state->epoch + 1),
                        static_cast<long long>(state->global_step));
    }
    if (dp.active()) {
        dp.broadcast_parameters(model->parameters());  // every rank starts from rank 0's weights
        if (dp.leader())
            std::printf(
                "data-parallel training: %d ranks, each %lld of every batch's %lld "
                "windows\n",
                dp.world(), static_cast<long long>(s.batch_size / dp.world()),
                static_cast<long long>(s.batch_size));
    }
    install_interrupt_handler();
    const double t0 = bench::now();
    const auto r = train_model_simple(*model, *d.train_loader, *d.val_loader, optimizer, tok(), o,
                                      state ? &*state : nullptr);
    const double dt = bench::now() - t0;
    model
        ->zero_grad();  // the last step's gradients are not needed any more (652 MB for GPT-2 124M)
    if (!dp.leader()) {
        if (r.interrupted) throw Interrupted("");
        return model;
    }
    fs::create_directories(s.out);
    const int64_t tokens_per_epoch = d.train_loader->size() * s.batch_size * s.context_length;
    if (!r.track_tokens_seen.empty()) {
        write_loss_csv(s.out / "loss.csv", r.track_tokens_seen, r.train_losses, r.val_losses,
                       tokens_per_epoch);
        plot_losses(s.out / "loss.svg", r.track_tokens_seen, r.train_losses, r.val_losses,
                    tokens_per_epoch);
    }
    if (r.interrupted)
        throw Interrupted("training interrupted; resume with --resume " +
                          o.checkpoint_dir.string());
    save_checkpoint(*model, optimizer, r.final_state, o.checkpoint_dir);
    save_model(*model, s.out / "model.safetensors");
    std::printf("\nTraining: %lld steps in %.0f s (%.2f s per step, %.0f tokens/s)\n",
                static_cast<long long>(r.steps), dt,
                dt / static_cast<double>(std::max<int64_t>(r.steps, 1)),
                static_cast<double>(r.steps * s.batch_size * s.context_length) / dt);
    if (dp.active() && dp.allreduce_calls() > 0)
        std::printf(
            "gradient all-reduce on rank 0: %.3f s per step (%.1f MB of gradients, %d ranks)\n",
            dp.allreduce_seconds() / static_cast<double>(dp.allreduce_calls()),
            static_cast<double>(dp.gradient_bytes()) / 1e6, dp.world());
    if (!r.train_losses.empty())
        std::printf("final losses: train %.3f, validation %.3f\n", r.train_losses.back(),
                    r.val_losses.back());
    std::printf("wrote %s, %s, %s and %s/\n", (s.out / "model.safetensors").c_str(),
                (s.out / "loss.csv").c_str(), (s.out / "loss.svg").c_str(),
                o.checkpoint_dir.c_str());
    return model;
}

// Python's repr of a float: the shortest digits that read back the same double.
std::string py_float(double x) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, r.ptr);
}

void loss_walkthrough(ch04::GPTModel& model) {
    const IntTensor inputs = IntTensor::from(
        {{16833, 3626, 6100}, {40, 1107, 588}});  // "every effort moves", "I really like"
    const IntTensor targets = IntTensor::from(
        {{3626, 6100, 345}, {1107, 588, 11311}});  // " effort moves you", " really like chocolate"
    NoGradGuard ng;
    const Tensor logits = model.forward(inputs);
    const Tensor probas = softmax(logits, -1);
    std::printf("%s\n", torch_size(probas.shape()).c_str());
    const IntTensor token_ids = argmax(probas, -1, true);
    std::cout << "Token IDs:\n " << token_ids << "\n";
    std::printf("Targets batch 1: %s\nOutputs batch 1: %s\n",
                tok().decode({3626, 6100, 345}).c_str(),
                tok().decode({token_ids.data[0], token_ids.data[1], token_ids.data[2]}).c_str());
    std::vector<float> target_probas;
    for (int64_t b = 0; b < 2; ++b) {
        std::vector<float> row;
        for (int64_t t = 0; t < 3; ++t)
            row.push_back(probas.at({b, t, targets.data[static_cast<size_t>(b * 3 + t)]}));
        show(b == 0 ? "Text 1: " : "Text 2: ", Tensor::from(row, {3}));
        target_probas.insert(target_probas.end(), row.begin(), row.end());
    }
    const Tensor log_probas = log(Tensor::from(target_probas, {6}));
    show("", log_probas);
    const Tensor avg_log_probas = mean(log_probas);
    show("", avg_log_probas);
    show("", avg_log_probas * -1.0f);  // neg_avg_log_probas
    std::printf("Logits shape: %s\nTargets shape: %s\n", torch_size(logits.shape()).c_str(),
                torch_size(targets.shape).c_str());
    const Tensor logits_flat = logits.flatten(0, 1);
    const IntTensor targets_flat = targets.view({6});
    std::printf("Flattened logits: %s\nFlattened targets: %s\n",
                torch_size(logits_flat.shape()).c_str(), torch_size(targets_flat.shape).c_str());
    const Tensor loss = cross_entropy(logits_flat, targets_flat);
    show("", loss);
    show("", exp(loss));  // perplexity
}

// The chapter's toy next-token example (5.3): a nine-word vocabulary.
const std::vector<std::string> kVocab{"closer", "every", "effort", "forward", "inches",
                                      "moves",  "pizza", "toward", "you"};
const std::vector<float> kNextTokenLogits{4.51f,  0.89f,  -1.90f, 6.75f, 1.63f,
                                          -1.62f, -1.89f, 6.28f,  1.79f};

void print_sampled_tokens(const std::vector<float>& probas) {
    manual_seed(123);  // the book seeds once and samples 1000 times
    std::vector<int> counts(9, 0);
    for (int i = 0; i < 1000; ++i)
        ++counts[static_cast<size_t>(multinomial(Tensor::from(probas, {9}), 1).data[0])];
    for (size_t k = 0; k < 9; ++k) std::printf("%d x %s\n", counts[k], kVocab[k].c_str());
}

void decoding_walkthrough(ch04::GPTModel& model, int64_t context_length) {
    section("5.3 Decoding strategies to control randomness");
    model.eval();
    const IntTensor token_ids = ch04::generate_text_simple(
        model, text_to_token_ids("Every effort moves you", tok()), 25, context_length);
    std::printf("Output text:\n %s\n", token_ids_to_text(token_ids, tok()).c_str());

    section("5.3.1 Temperature scaling");
    const Tensor next_token_logits = Tensor::from(kNextTokenLogits, {9});
    const auto probas = softmax_with_temperature(kNextTokenLogits, 1.0f);
    std::printf("%s\n",
                kVocab[static_cast<size_t>(argmax(Tensor::from(probas, {9})).data[0])].c_str());
    manual_seed(123);
    std::printf(
        "%s\n",
        kVocab[static_cast<size_t>(multinomial(Tensor::from(probas, {9}), 1).data[0])].c_str());
    for (float T : {1.0f, 0.1f, 5.0f}) {
        std::printf("temperature %g:\n", static_cast<double>(T));
        print_sampled_tokens(softmax_with_temperature(kNextTokenLogits, T));
    }

    section("5.3.2 Top-k sampling");
    const int top_k = 3;
    std::vector<float> sorted = kNextTokenLogits;
    std::vector<int64_t> positions(9);
    for (int64_t i = 0; i < 9; ++i) positions[static_cast<size_t>(i)] = i;
    std::stable_sort(positions.begin(), positions.end(), [&](int64_t a, int64_t b) {
        return kNextTokenLogits[static_cast<size_t>(a)] > kNextTokenLogits[static_cast<size_t>(b)];
    });
    std::vector<float> top_logits;
    for (int k = 0; k < top_k; ++k)
        top_logits.push_back(
            kNextTokenLogits[static_cast<size_t>(positions[static_cast<size_t>(k)])]);
    show("Top logits: ", Tensor::from(top_logits, {top_k}));
    std::cout << "Top positions: "
              << IntTensor({top_k}, {positions.begin(), positions.begin() + top_k}) << "\n";
    const auto new_logits = top_k_filter(kNextTokenLogits, top_k);
    show("", Tensor::from(new_logits, {9}));
    show("", softmax(Tensor::from(new_logits, {9}), 0));  // topk_probas

    section("5.3.3 Modifying the text generation function");
    manual_seed(123);
    GenerateOptions opt;
    opt.max_new_tokens = 15;
    opt.context_size = context_length;
    opt.top_k = 25;
    opt.temperature = 1.4f;
    std::printf("Output text:\n %s\n",
                token_ids_to_text(
                    generate(model, text_to_token_ids("Every effort moves you", tok()), opt), tok())
                    .c_str());
}

void walkthrough(RunSettings s) {
    const ch04::GPTConfig cfg = book_config(s.context_length);
    std::unique_ptr<Data> d;
    {  // the untrained model of 5.1 is gone before training builds its own (peak memory)
        section("5.1.1 Using GPT to generate text");
        manual_seed(s.seed);
        ch04::GPTModel untrained(cfg);
        untrained.eval();
        const IntTensor out = ch04::generate_text_simple(
            untrained, text_to_token_ids("Every effort moves you", tok()), 10, cfg.context_length);
        std::printf("Output text:\n %s\n", token_ids_to_text(out, tok()).c_str());

        section("5.1.2 Calculating the text generation loss: cross-entropy and perplexity");
        loss_walkthrough(untrained);

        section("5.1.3 Calculating the training and validation set losses");
        {
            const std::string text_data = read_file(s.text_file);
            const auto chars = ch02::decode_utf8(text_data, s.text_file);
            const size_t n = std::min<size_t>(99, chars.size());
            std::printf(
                "%s\n%s\n",
                ch02::encode_utf8({chars.begin(), chars.begin() + static_cast<long>(n)}).c_str(),
                ch02::encode_utf8({chars.end() - static_cast<long>(n), chars.end()}).c_str());
            std::printf("Characters: %zu\nTokens: %zu\n", chars.size(),
                        tok().encode(text_data, {"<|endoftext|>"}).size());
        }
        d = std::make_unique<Data>(make_data(s, true));
        {
            NoGradGuard ng;
            const double train_loss = calc_loss_loader(*d->train_loader, untrained);
            const double val_loss = calc_loss_loader(*d->val_loader, untrained);
            std::printf("Training loss: %s\nValidation loss: %s\n", py_float(train_loss).c_str(),
                        py_float(val_loss).c_str());
        }
    }
    manual_seed(s.seed);

    section("5.2 Training an LLM");
    std::printf(
        "(10 epochs of GPT-2 124M, AdamW lr 4e-4, weight decay 0.1, on two CPU cores; Ctrl-C stops after the\n"
        " current step and saves a resumable checkpoint)\n");
    auto model = run_training(s, *d);
    d.reset();
    storage_release_idle();  // the optimizer's state and the activations are gone: give their memory back

    decoding_walkthrough(*model, cfg.context_length);

    section("5.4 Loading and saving model weights in PyTorch");
    model->eval();
    const IntTensor greedy = ch04::generate_text_cached(
        *model, text_to_token_ids("Every effort moves you", tok()), 25, cfg.context_length);
    model.reset();  // as the book, the reloaded model replaces the trained one (peak memory)
    auto reloaded = load_model(s.out / "model.safetensors");
    reloaded->eval();
    const IntTensor again = ch04::generate_text_cached(
        *reloaded, text_to_token_ids("Every effort moves you", tok()), 25, cfg.context_length);
    std::printf("reloaded from %s, greedy text is %s\n", (s.out / "model.safetensors").c_str(),
                again.data == greedy.data ? "identical" : "DIFFERENT");
    std::printf(
        "\nNext: ./book run ch05 -- generate --weights %s --prompt \"Every effort moves you\" --temperature 1.4 --top-k 25\n",
        (s.out / "model.safetensors").c_str());
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    DataParallel& dp = DataParallel::init(argc, argv);  // one rank unless started by mpirun
    CLI::App app{"Chapter 5: pretraining GPT-2 124M on unlabeled text"};
    RunSettings s;
    auto add_run_options = [&](CLI::App* a) {
        a->add_option("--text", s.text_file, "training text (90/10 train/validation split)")
            ->check(CLI::ExistingFile);
        a->add_option("--out", s.out, "folder for the checkpoint, loss.csv and loss.svg");
        a->add_option("--epochs", s.epochs, "epochs")->check(CLI::Range(0, 100000));
        a->add_option("--batch-size", s.batch_size, "batch size")->check(CLI::Range(1, 4096));
        a->add_option("--context-length", s.context_length, "context length (and stride)")
            ->check(CLI::Range(2, 1024));
        a->add_option("--lr", s.lr, "AdamW peak learning rate")->check(FiniteRange(0.0, 10.0));
        a->add_option("--weight-decay", s.weight_decay, "AdamW weight decay")
            ->check(FiniteRange(0.0, 10.0));
        a->add_option("--eval-freq", s.eval_freq, "evaluate every N steps")
            ->check(CLI::Range(1, 1000000));
        a->add_option("--eval-iter", s.eval_iter, "batches per evaluation")
            ->check(CLI::Range(1, 1000000));
        a->add_option("--seed", s.seed, "seed for weights, shuffling and dropout")
            ->check(NonNegativeInteger());
        a->add_option("--warmup", s.warmup, "appendix D: linear warmup steps")
            ->check(CLI::Range(0, 1000000));
        a->add_option("--initial-lr", s.initial_lr,
                      "appendix D: the learning rate warmup starts from")
            ->check(FiniteRange(0.0, 10.0));
        a->add_flag("--cosine", s.cosine, "appendix D: cosine decay after warmup");
        a->add_option("--min-lr", s.min_lr, "appendix D: where the cosine decay ends")
            ->check(FiniteRange(0.0, 10.0));
        a->add_option("--clip", s.clip, "appendix D: clip gradients to this global norm (0: off)")
            ->check(FiniteRange(0.0, 1e6));
    };
    add_run_options(&app);
    auto* train = app.add_subcommand("train", "train only (no walkthrough)");
    add_run_options(train);
    train
        ->add_option("--resume", s.resume,
                     "continue from a checkpoint folder (output/ch05/checkpoint)")
        ->check(CLI::ExistingDirectory);
    train
        ->add_option("--corpus", s.corpus,
                     "train on a corpus `prepare` wrote (its files are mapped, not loaded)")
        ->check(CLI::ExistingDirectory)
        ->excludes("--text");
    train->add_option("--emb-dim", s.emb_dim, "embedding width (GPT-2 124M: 768)")
        ->check(CLI::Range(int64_t{1}, int64_t{8192}));
    train->add_option("--n-layers", s.n_layers, "transformer blocks (GPT-2 124M: 12)")
        ->check(CLI::Range(int64_t{1}, int64_t{256}));
    train->add_option("--n-heads", s.n_heads, "attention heads (GPT-2 124M: 12)")
        ->check(CLI::Range(int64_t{1}, int64_t{256}));
    train->add_option("--drop-rate", s.drop_rate, "dropout (the book: 0.1)")
        ->check(FiniteRange(0.0, 0.99));

    std::vector<std::string> prepare_inputs;
    std::string prepare_out;
    PrepareOptions prep;
    auto* prepare = app.add_subcommand(
        "prepare", "tokenize text files (or folders of them) into a corpus for train --corpus");
    prepare->add_option("--out", prepare_out, "the corpus folder to write")->required();
    prepare
        ->add_option("--val-fraction", prep.val_fraction,
                     "share of the documents held out for validation")
        ->check(FiniteRange(0.0, 0.99));
    prepare->add_flag("--skip-bad", prep.skip_bad,
                      "skip unreadable, empty or non-UTF-8 files (reported) instead of stopping");
    prepare->add_option("inputs", prepare_inputs, "text files or folders")->required();

    std::string weights, prompt = "Every effort moves you",
                         text_file = (data_dir() / "the-verdict.txt").string();
    GenerateOptions g;
    g.max_new_tokens = 25;
    int64_t beams = 0, top_k = 0;
    uint64_t seed = 123;
    auto* gen = app.add_subcommand("generate", "continue a prompt with a trained model");
    gen->add_option("--weights", weights,
                    "model.safetensors: ours (book names) or HuggingFace's GPT-2")
        ->required()
        ->check(CLI::ExistingFile);
    gen->add_option("--prompt", prompt, "text to continue");
    gen->add_option("--max-new-tokens", g.max_new_tokens, "tokens to generate")
        ->check(CLI::Range(0, 100000));
    gen->add_option("--temperature", g.temperature,
                    "0 = greedy; > 0 samples from softmax(logits / T)")
        ->check(FiniteRange(0.0, 100.0));
    gen->add_option("--top-k", top_k, "keep the k most likely tokens")
        ->check(CLI::Range(1, 1000000));
    gen->add_option("--top-p", g.top_p,
                    "nucleus sampling: keep the smallest set with probability >= p")
        ->check(FiniteRange(1e-9, 1.0));
    gen->add_option("--beams", beams, "beam search with this many beams (greedy when 1)")
        ->check(CLI::Range(1, 64));
    gen->add_option("--repetition-penalty", g.repetition_penalty,
                    "> 1 discourages repeating tokens")
        ->check(FiniteRange(1e-3, 100.0));
    gen->add_option("--seed", seed, "seed for sampling")->check(NonNegativeInteger());

    auto* ev = app.add_subcommand(
        "eval", "training and validation loss of a model on a text (exercise 5.5)");
    ev->add_option("--weights", weights, "model.safetensors")->required()->check(CLI::ExistingFile);
    ev->add_option("--text", text_file, "text, split 90/10")->check(CLI::ExistingFile);
    CLI11_PARSE(app, argc, argv);

    try {
        if (gen->parsed()) {
            if (prompt.empty()) throw ValueError("--prompt is empty: give a text to continue");
            const IntTensor idx = text_to_token_ids(prompt, tok());  // before the weights are read
            auto model = load_model(weights);
            model->eval();
            g.context_size = model->cfg.context_length;
            if (top_k > 0) g.top_k = top_k;
            manual_seed(seed);
            const IntTensor out = beams > 0
                ? beam_search(*model, idx, g.max_new_tokens, g.context_size, beams)
                : generate(*model, idx, g);
            std::printf("%s\n", token_ids_to_text(out, tok()).c_str());
        } else if (ev->parsed()) {
            auto model = load_model(weights);
            model->eval();
            RunSettings es;
            es.text_file = text_file;
            es.context_length = model->cfg.context_length;
            const Data d = make_data(es, false);
            NoGradGuard ng;
            std::printf("Training loss: %.4f\nValidation loss: %.4f\n",
                        calc_loss_loader(*d.train_loader, *model),
                        calc_loss_loader(*d.val_loader, *model));
        } else if (prepare->parsed()) {
            std::vector<fs::path> inputs(prepare_inputs.begin(), prepare_inputs.end());
            prep.progress_line = isatty(STDERR_FILENO) != 0;
            const double t0 = bench::now();
            const CorpusHeader h = prepare_corpus(
                inputs, prepare_out, prep,
                [](const std::string& m) { std::fprintf(stderr, "ch05: %s\n", m.c_str()); });
            uint64_t bytes = 0;
            for (const auto& src : h.sources) bytes += src.bytes;
            const double dt = bench::now() - t0;
            std::printf(
                "%s: %zu documents, %.1f MB of text, %lld training and %lld validation "
                "tokens in %.1f s (%.1f MB/s)%s\n",
                prepare_out.c_str(), h.sources.size(), static_cast<double>(bytes) / 1e6,
                static_cast<long long>(h.train_tokens), static_cast<long long>(h.val_tokens), dt,
                static_cast<double>(bytes) / 1e6 / std::max(dt, 1e-9),
                h.skipped.empty()
                    ? ""
                    : (", " + std::to_string(h.skipped.size()) + " files skipped").c_str());
        } else if (train->parsed()) {
            train_config(s);  // a wrong model shape is refused before any data is read
            if (dp.active() && s.batch_size < dp.world())
                throw ValueError("--batch-size " + std::to_string(s.batch_size) +
                                 " is smaller than the number of ranks (" +
                                 std::to_string(dp.world()) + "): every rank needs a window");
            if (dp.active()) install_terminate_as_interrupt();
            const Data d = make_data(s, dp.leader());
            run_training(s, d);
        } else {
            walkthrough(s);
        }
    } catch (const Interrupted& e) {
        if (dp.leader()) std::fprintf(stderr, "ch05: %s\n", e.what());
        return 1;
    } catch (const Error& e) {
        if (dp.active())
            std::fprintf(stderr, "ch05: error on rank %d of %d: %s\n", dp.rank(), dp.world(),
                         e.what());
        else
            std::fprintf(stderr, "ch05: error: %s\n", e.what());
        dp.abort_all(1);  // the other ranks must not wait for this one
        return 1;
    }
}

#include <doctest/doctest.h>

#include "error.hpp"
#include "nn.hpp"
#include "ops.hpp"
#include "random.hpp"

using namespace llm;

namespace {
struct Net : Module {
    std::shared_ptr<Linear> fc1 = register_module("fc1", std::make_shared<Linear>(4, 3));
    std::shared_ptr<Sequential> layers =
        register_module("layers",
                        std::make_shared<Sequential>(std::vector<std::shared_ptr<Module>>{
                            std::make_shared<Linear>(3, 2), std::make_shared<ReLU>()}));
    std::string type_name() const override { return "Net"; }
};
}  // namespace

TEST_CASE("named_parameters gives PyTorch's dotted names in registration order") {
    Net net;
    std::vector<std::string> names;
    for (auto& [n, t] : net.named_parameters()) names.push_back(n);
    CHECK(names ==
          std::vector<std::string>{"fc1.weight", "fc1.bias", "layers.0.weight", "layers.0.bias"});
    CHECK(net.num_parameters() == 4 * 3 + 3 + 3 * 2 + 2);
    CHECK(
        net.repr() ==
        "Net(\n  (fc1): Linear(in_features=4, out_features=3, bias=True)\n  (layers): Sequential(\n"
        "    (0): Linear(in_features=3, out_features=2, bias=True)\n    (1): ReLU()\n  )\n)");
}

TEST_CASE("a tied weight is one tensor: counted once, listed under both names in the state_dict") {
    struct Tied : Module {
        std::shared_ptr<Embedding> emb = register_module("emb", std::make_shared<Embedding>(5, 3));
        std::shared_ptr<Linear> head =
            register_module("head", std::make_shared<Linear>(3, 5, false));
        std::string type_name() const override { return "Tied"; }
    } m;
    m.head->weight = m.emb->weight;
    CHECK(m.num_parameters() == 15);
    CHECK(m.state_dict().size() == 2);
    CHECK(m.head->weight.data() == m.emb->weight.data());
}

TEST_CASE("train/eval reach every child; Dropout is the identity in eval mode") {
    auto seq = std::make_shared<Sequential>(
        std::vector<std::shared_ptr<Module>>{std::make_shared<Dropout>(0.5f)});
    seq->eval();
    const Tensor x = Tensor::ones({4, 4});
    CHECK(seq->forward(x).to_vector() == x.to_vector());
    seq->train();
    CHECK(seq->forward(x).to_vector() != x.to_vector());
}

TEST_CASE("load_state_dict copies values and names what is missing, unexpected or mis-shaped") {
    Net a, b;
    std::map<std::string, Tensor> state;
    for (auto& [n, t] : a.state_dict()) state[n] = t;
    b.load_state_dict(state);
    CHECK(b.fc1->weight.to_vector() == a.fc1->weight.to_vector());
    state.erase("fc1.bias");
    CHECK_THROWS_WITH_AS(b.load_state_dict(state), doctest::Contains("missing keys: fc1.bias"),
                         ValueError);
    state["fc1.bias"] = Tensor::zeros({4});
    CHECK_THROWS_WITH_AS(b.load_state_dict(state), doctest::Contains("size mismatch for fc1.bias"),
                         ShapeError);
}

TEST_CASE("replace_module: a new head takes the old one's place in parameters and state_dict") {
    Sequential net({std::make_shared<Linear>(3, 4), std::make_shared<Linear>(4, 5)});
    auto head = net.replace_module("1", std::make_shared<Linear>(4, 2));
    const auto names = net.state_dict();
    REQUIRE(names.size() == 4);
    CHECK(names[2].first == "1.weight");
    CHECK(names[2].second.shape() == Shape{2, 4});
    CHECK(names[2].second.impl() == head->weight.impl());
    CHECK(net.num_parameters() == 3 * 4 + 4 + 4 * 2 + 2);
    CHECK(net.forward(Tensor::zeros({1, 3})).shape() == Shape{1, 2});  // and forward uses it
    CHECK_THROWS_AS(net.replace_module("9", std::make_shared<Linear>(1, 1)), ValueError);
}

TEST_CASE("SkipInit: Linear and Embedding made under it draw nothing from the generator") {
    manual_seed(5);
    {
        const SkipInit skip;
        Linear fc(4, 3);
        Embedding emb(6, 2);
        CHECK(fc.weight.shape() == Shape{3, 4});
        CHECK(emb.weight.shape() == Shape{6, 2});
    }
    const float after_skip = rand({1}).item();
    manual_seed(5);
    CHECK(rand({1}).item() == after_skip);  // the generator did not move
    manual_seed(5);
    Linear drawn(4, 3);  // the guard is gone: the usual draws again
    CHECK(rand({1}).item() != after_skip);
}

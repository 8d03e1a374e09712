r"""One record per loss: its names, family, element-wise formula and native counterparts.

The catalogue is data, not code: the tests iterate over it and the book builds its tables
from it. ``formula`` is the LaTeX of the element loss :math:`l_n` (before the reduction), in the
book's symbols: :math:`x` input or logits, :math:`y` target, :math:`w` weights, :math:`C`
classes, :math:`\delta` the Huber threshold, :math:`\beta` the Smooth L1 threshold.

Example:
    >>> from lossnotes.catalog import by_name
    >>> by_name("mse_loss").chinese_name
    '均方误差'
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import posixpath
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "CATALOG",
    "CHOICES",
    "FAMILIES",
    "NOT_IN_TORCH_TABLE",
    "TORCH_USAGE",
    "Choice",
    "LossRecord",
    "TensorSpec",
    "TorchUsage",
    "by_name",
    "decision_table",
    "markdown_table",
    "resolve",
    "torch_module_records",
    "torch_modules_table",
]

#: The families, in the book's order.
FAMILIES = ("regression", "classification", "embedding", "sequence", "detection", "segmentation", "generative",
            "scale")


@dataclass(frozen=True)
class LossRecord:
    """What the book and the tests need to know about one loss.

    Attributes:
        name: the function's name in :mod:`lossnotes.functional` (torch's name where torch has it).
        chinese_name: the standard Chinese term (中文名).
        family: one of :data:`FAMILIES`.
        formula: LaTeX of the element loss :math:`l_n`, before the reduction.
        torch_op: dotted name of PyTorch's native op, or ``None`` when PyTorch has none.
        paddle_op: dotted name of PaddlePaddle's native op, or ``None`` when Paddle has none.
        function: dotted name of the lossnotes function.
        module: dotted name of the lossnotes ``nn.Module`` wrapper, or ``None``.
        torch_module: dotted name of PyTorch's ``nn.Module``, or ``None``.
        book_page: the book page (path without suffix) that teaches it, or ``None`` until written.
        note: one line on where the native ops disagree with each other, or ``""``.
        example_kwargs: the keyword arguments of the loss's example call
            (:func:`lossnotes.examples.make_inputs`), as ``(name, value)`` pairs; ``()`` for none.
    """

    name: str
    chinese_name: str
    family: str
    formula: str
    torch_op: str | None
    paddle_op: str | None
    function: str
    module: str | None = None
    torch_module: str | None = None
    book_page: str | None = None
    note: str = ""
    example_kwargs: tuple[tuple[str, object], ...] = ()

    def resolve(self) -> Callable:
        """Return the lossnotes function this record names."""
        return resolve(self.function)


def resolve(dotted: str):
    """Import and return the object a dotted name such as ``'torch.nn.functional.mse_loss'`` names."""
    module_name, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def _rec(name, chinese_name, family, formula, torch_op, paddle_op, module=None, torch_module=None,
         note="", example_kwargs=()):
    return LossRecord(
        name=name,
        chinese_name=chinese_name,
        family=family,
        formula=formula,
        torch_op=None if torch_op is None else f"torch.nn.functional.{torch_op}",
        paddle_op=None if paddle_op is None else f"paddle.nn.functional.{paddle_op}",
        function=f"lossnotes.functional.{name}",
        module=None if module is None else f"lossnotes.nn.{module}",
        torch_module=None if torch_module is None else f"torch.nn.{torch_module}",
        note=note,
        example_kwargs=tuple(example_kwargs),
    )


CATALOG: tuple[LossRecord, ...] = (
    # -- regression ---------------------------------------------------------------------------
    _rec("l1_loss", "平均绝对误差", "regression", r"l_n = \lvert x_n - y_n \rvert",
         "l1_loss", "l1_loss", "L1Loss", "L1Loss"),
    _rec("mse_loss", "均方误差", "regression", r"l_n = (x_n - y_n)^2",
         "mse_loss", "mse_loss", "MSELoss", "MSELoss"),
    _rec("rmse_loss", "均方根误差", "regression",
         r"\ell = \sqrt{\frac{1}{N} \sum_{n=1}^{N} (x_n - y_n)^2}",
         None, None, "RMSELoss",
         note="not element-wise: the square root is taken after the mean"),
    _rec("mean_bias_error", "平均偏差误差", "regression", r"l_n = x_n - y_n",
         None, None,
         note="signed: over- and under-estimates cancel, so it measures bias, not error size"),
    _rec("huber_loss", "Huber 损失", "regression",
         r"l_n = \begin{cases} \tfrac12 (x_n - y_n)^2 & \lvert x_n - y_n \rvert \le \delta \\ "
         r"\delta \left(\lvert x_n - y_n \rvert - \tfrac12 \delta\right) & \text{otherwise} \end{cases}",
         "huber_loss", "smooth_l1_loss", "HuberLoss", "HuberLoss",
         note="paddle's smooth_l1_loss(delta=d) with its default is_huber=True is torch's huber_loss(delta=d)"),
    _rec("smooth_l1_loss", "平滑 L1 损失", "regression",
         r"l_n = \begin{cases} \tfrac{1}{2\beta} (x_n - y_n)^2 & \lvert x_n - y_n \rvert < \beta \\ "
         r"\lvert x_n - y_n \rvert - \tfrac12 \beta & \text{otherwise} \end{cases}",
         "smooth_l1_loss", "smooth_l1_loss", "SmoothL1Loss", "SmoothL1Loss",
         note="torch's beta is paddle's delta with is_huber=False; "
              "huber_loss(delta) = delta * smooth_l1_loss(beta=delta)"),
    _rec("log_cosh_loss", "对数双曲余弦损失", "regression", r"l_n = \log \cosh (x_n - y_n)",
         None, None, "LogCoshLoss"),
    _rec("quantile_loss", "分位数损失", "regression",
         r"l_n = \max\bigl(q (y_n - x_n),\ (q - 1)(y_n - x_n)\bigr)",
         None, None, "QuantileLoss",
         note="also called the pinball loss; q = 0.5 gives half the L1 loss"),
    _rec("poisson_nll_loss", "泊松负对数似然损失", "regression", r"l_n = e^{x_n} - y_n x_n",
         "poisson_nll_loss", "poisson_nll_loss", "PoissonNLLLoss", "PoissonNLLLoss",
         note="the formula is the default log_input=True; log_input=False gives x_n - y_n log(x_n + eps)"),
    _rec("gaussian_nll_loss", "高斯负对数似然损失", "regression",
         r"l_n = \tfrac12 \left( \log \max(\sigma_n^2, \epsilon) "
         r"+ \frac{(x_n - y_n)^2}{\max(\sigma_n^2, \epsilon)} \right)",
         "gaussian_nll_loss", "gaussian_nll_loss", "GaussianNLLLoss", "GaussianNLLLoss",
         note="takes the variance, not the standard deviation"),
    # -- classification -----------------------------------------------------------------------
    _rec("binary_cross_entropy", "二元交叉熵", "classification",
         r"l_n = -w_n \left[ y_n \log x_n + (1 - y_n) \log (1 - x_n) \right]",
         "binary_cross_entropy", "binary_cross_entropy", "BCELoss", "BCELoss",
         note="input is a probability; each log is clamped at -100"),
    _rec("binary_cross_entropy_with_logits", "带 Logits 的二元交叉熵", "classification",
         r"l_n = -w_n \left[ w^{+} y_n \log \sigma(x_n) + (1 - y_n) \log \sigma(-x_n) \right],"
         r" \quad w^{+} = \texttt{pos\_weight}",
         "binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits",
         "BCEWithLogitsLoss", "BCEWithLogitsLoss"),
    _rec("cross_entropy", "交叉熵", "classification",
         r"l_n = -w_{y_n} \log \frac{\exp x_{n, y_n}}{\sum_{c=1}^{C} \exp x_{n, c}}",
         "cross_entropy", "cross_entropy", "CrossEntropyLoss", "CrossEntropyLoss",
         note="torch's class axis is dim 1, paddle's default is axis=-1"),
    _rec("nll_loss", "负对数似然损失", "classification", r"l_n = -w_{y_n} x_{n, y_n}",
         "nll_loss", "nll_loss", "NLLLoss", "NLLLoss",
         note="input must already be log-probabilities (log_softmax)"),
    _rec("kl_div", "KL 散度", "classification", r"l_n = y_n \left( \log y_n - x_n \right)",
         "kl_div", "kl_div", "KLDivLoss", "KLDivLoss",
         note="input is log q, target is p; reduction='batchmean' gives the true KL(p || q)",
         example_kwargs=[("reduction", "batchmean")]),
    _rec("soft_margin_loss", "软间隔损失", "classification", r"l_n = \log \left( 1 + e^{-y_n x_n} \right)",
         "soft_margin_loss", "soft_margin_loss", "SoftMarginLoss", "SoftMarginLoss",
         note="targets are -1 / +1"),
    _rec("multilabel_soft_margin_loss", "多标签软间隔损失", "classification",
         r"l_n = -\frac{1}{C} \sum_{c=1}^{C} w_c \left[ y_{n,c} \log \sigma(x_{n,c}) "
         r"+ (1 - y_{n,c}) \log \sigma(-x_{n,c}) \right]",
         "multilabel_soft_margin_loss", "multi_label_soft_margin_loss",
         "MultiLabelSoftMarginLoss", "MultiLabelSoftMarginLoss"),
    _rec("multi_margin_loss", "多分类合页损失", "classification",
         r"l_n = \frac{1}{C} \sum_{i \ne y_n} w_{y_n} \max(0, m - x_{n, y_n} + x_{n, i})^p",
         "multi_margin_loss", "multi_margin_loss", "MultiMarginLoss", "MultiMarginLoss"),
    _rec("multilabel_margin_loss", "多标签合页损失", "classification",
         r"l_n = \sum_{j \in Y_n} \sum_{i \notin Y_n} \frac{\max(0, 1 - (x_{n, j} - x_{n, i}))}{C}",
         "multilabel_margin_loss", "multi_label_margin_loss", "MultiLabelMarginLoss",
         "MultiLabelMarginLoss",
         note="the target holds class indices ended by -1, not a multi-hot vector"),
    _rec("weighted_binary_cross_entropy", "加权二元交叉熵", "classification",
         r"l_n = -w_n \left[ w^{+} y_n \log x_n + (1 - y_n) \log (1 - x_n) \right]",
         None, None, "WeightedBCELoss",
         note="binary_cross_entropy_with_logits' pos_weight, on probabilities"),
    _rec("balanced_binary_cross_entropy", "平衡交叉熵", "classification",
         r"l_n = -w_n \left[ \beta y_n \log x_n + (1 - \beta)(1 - y_n) \log (1 - x_n) \right]",
         None, None, "BalancedBCELoss",
         note="beta = 1/2 gives half of binary_cross_entropy"),
    _rec("focal_loss", "焦点损失", "classification",
         r"l_n = -\alpha_t (1 - p_t)^\gamma \log p_t,\ p_t = y_n x_n + (1 - y_n)(1 - x_n)",
         None, None, "FocalLoss",
         note="input is a probability; gamma = 0 without alpha gives binary_cross_entropy"),
    _rec("sigmoid_focal_loss", "Sigmoid 焦点损失", "classification",
         r"l_n = -\alpha_t (1 - p_t)^\gamma \log p_t,\ p_t = y_n \sigma(x_n) + (1 - y_n) \sigma(-x_n)",
         None, "sigmoid_focal_loss", "SigmoidFocalLoss",
         note="paddle's sigmoid_focal_loss defaults to reduction='sum' and divides by a normalizer"),
    _rec("hinge_loss", "合页损失", "classification", r"l_n = w_n \max(0, m - y_n x_n)",
         None, None, "HingeLoss", note="targets are -1 / +1"),
    _rec("squared_hinge_loss", "平方合页损失", "classification", r"l_n = w_n \max(0, m - y_n x_n)^2",
         None, None, "SquaredHingeLoss", note="targets are -1 / +1"),
    # -- embedding and ranking ----------------------------------------------------------------
    _rec("margin_ranking_loss", "间隔排序损失", "embedding",
         r"l_n = \max\left(0, -y_n (x^{(1)}_n - x^{(2)}_n) + m\right)",
         "margin_ranking_loss", "margin_ranking_loss", "MarginRankingLoss", "MarginRankingLoss"),
    _rec("hinge_embedding_loss", "合页嵌入损失", "embedding",
         r"l_n = \begin{cases} x_n & y_n = 1 \\ \max(0, m - x_n) & y_n = -1 \end{cases}",
         "hinge_embedding_loss", "hinge_embedding_loss", "HingeEmbeddingLoss", "HingeEmbeddingLoss"),
    _rec("cosine_embedding_loss", "余弦嵌入损失", "embedding",
         r"l_n = \begin{cases} 1 - \cos(x^{(1)}_n, x^{(2)}_n) & y_n = 1 \\ "
         r"\max\left(0, \cos(x^{(1)}_n, x^{(2)}_n) - m\right) & y_n = -1 \end{cases}",
         "cosine_embedding_loss", "cosine_embedding_loss", "CosineEmbeddingLoss", "CosineEmbeddingLoss"),
    _rec("triplet_margin_loss", "三元组损失", "embedding",
         r"l_n = \max\left(d(a_n, p_n) - d(a_n, n_n) + m, 0\right), \quad d(u, v) = \lVert u - v + \epsilon \rVert_p",
         "triplet_margin_loss", "triplet_margin_loss", "TripletMarginLoss", "TripletMarginLoss"),
    _rec("triplet_margin_with_distance_loss", "自定义距离的三元组损失", "embedding",
         r"l_n = \max\left(d(a_n, p_n) - d(a_n, n_n) + m, 0\right)",
         "triplet_margin_with_distance_loss", "triplet_margin_with_distance_loss",
         "TripletMarginWithDistanceLoss", "TripletMarginWithDistanceLoss"),
    _rec("contrastive_loss", "对比损失", "embedding",
         r"l_n = y_n\, d_n^2 + (1 - y_n) \max(0, m - d_n)^2",
         None, None, "ContrastiveLoss"),
    _rec("info_nce_loss", "InfoNCE 损失", "embedding",
         r"l_n = -\log \frac{\exp(s(q_n, k_n) / \tau)}{\sum_{j=1}^{N} \exp(s(q_n, k_j) / \tau)}",
         None, None, "InfoNCELoss"),
    # -- sequences ------------------------------------------------------------------------------
    _rec("ctc_loss", "连接时序分类损失", "sequence",
         r"l_n = -\log \sum_{\pi \in \mathcal{B}^{-1}(y_n)} \prod_{t=1}^{T} p_t(\pi_t \mid x_n)",
         "ctc_loss", "ctc_loss", "CTCLoss", "CTCLoss",
         note="torch takes log_softmax output, paddle takes raw logits"),
    # -- detection (torchvision.ops' names and signatures) ----------------------------------------
    _rec("iou_loss", "交并比损失", "detection", r"l_n = 1 - \mathrm{IoU}(b_n, \hat b_n)",
         None, None, "IoULoss",
         note="boxes (x1, y1, x2, y2); reduction='none' by default, as in torchvision.ops"),
    _rec("generalized_box_iou_loss", "广义交并比损失", "detection",
         r"l_n = 1 - \mathrm{IoU}_n + \frac{|C_n \setminus (b_n \cup \hat b_n)|}{|C_n|}",
         None, None, "GeneralizedBoxIoULoss",
         note="torchvision.ops.generalized_box_iou_loss; C_n the smallest enclosing box"),
    _rec("distance_box_iou_loss", "距离交并比损失", "detection",
         r"l_n = 1 - \mathrm{IoU}_n + \frac{\rho^2(c_n, \hat c_n)}{d_n^2}",
         None, None, "DistanceBoxIoULoss",
         note="torchvision.ops.distance_box_iou_loss; rho the centre distance, d the enclosing diagonal"),
    _rec("complete_box_iou_loss", "完全交并比损失", "detection",
         r"l_n = 1 - \mathrm{IoU}_n + \frac{\rho^2(c_n, \hat c_n)}{d_n^2} + \alpha_n v_n",
         None, None, "CompleteBoxIoULoss",
         note="torchvision.ops.complete_box_iou_loss; v_n the aspect-ratio term, alpha_n without gradient"),
    # -- segmentation ---------------------------------------------------------------------------
    _rec("dice_loss", "Dice 损失", "segmentation",
         r"l_n = 1 - \frac{2 \sum_i p_{ni} g_{ni} + s}{\sum_i p_{ni} + \sum_i g_{ni} + s}",
         None, "dice_loss", "DiceLoss",
         note="softmax over the classes; paddle's dice_loss takes probabilities, channels last"),
    _rec("jaccard_loss", "Jaccard 损失", "segmentation",
         r"l_n = 1 - \frac{\sum_i p_{ni} g_{ni} + s}{\sum_i p_{ni} + \sum_i g_{ni} - \sum_i p_{ni} g_{ni} + s}",
         None, None, "JaccardLoss", note="the soft IoU; tversky_loss with alpha = beta = 1"),
    _rec("tversky_loss", "Tversky 损失", "segmentation",
         r"l_n = 1 - \frac{TP_n + s}{TP_n + \alpha FP_n + \beta FN_n + s}",
         None, None, "TverskyLoss", note="alpha weights false positives, beta false negatives"),
    _rec("focal_tversky_loss", "焦点 Tversky 损失", "segmentation",
         r"l_n = \left(1 - \frac{TP_n + s}{TP_n + \alpha FP_n + \beta FN_n + s}\right)^{\gamma}",
         None, None, "FocalTverskyLoss", note="gamma = 1 gives tversky_loss"),
    _rec("lovasz_softmax_loss", "Lovász-Softmax 损失", "segmentation",
         r"l_n = \frac{1}{|\mathcal{C}_n|} \sum_{c \in \mathcal{C}_n} \overline{\Delta_{J_c}}\bigl(m_c(p_n)\bigr)",
         None, None, "LovaszSoftmaxLoss", note="the Lovász extension of the Jaccard loss, per image"),
    _rec("lovasz_hinge_loss", "Lovász 合页损失", "segmentation",
         r"l_n = \overline{\Delta_{J}}\bigl(\max(0, 1 - y_{n} x_{n})\bigr)",
         None, None, "LovaszHingeLoss", note="binary masks; targets 0/1, used as -1/+1"),
    # -- generative models ----------------------------------------------------------------------
    _rec("gan_discriminator_loss", "GAN 判别器损失", "generative",
         r"l_n = -\log \sigma(r_n) - \log\bigl(1 - \sigma(f_n)\bigr)",
         None, None, "GANDiscriminatorLoss", note="r real scores, f fake scores (logits)"),
    _rec("gan_generator_loss", "GAN 生成器损失", "generative", r"l_n = -\log \sigma(f_n)",
         None, None, "GANGeneratorLoss", note="non-saturating; saturating=True gives log(1 - sigma(f))"),
    _rec("lsgan_discriminator_loss", "最小二乘 GAN 判别器损失", "generative",
         r"l_n = \tfrac{1}{2}(r_n - 1)^2 + \tfrac{1}{2} f_n^2", None, None, "LSGANDiscriminatorLoss"),
    _rec("lsgan_generator_loss", "最小二乘 GAN 生成器损失", "generative", r"l_n = \tfrac{1}{2}(f_n - 1)^2",
         None, None, "LSGANGeneratorLoss"),
    _rec("hinge_discriminator_loss", "合页 GAN 判别器损失", "generative",
         r"l_n = \max(0, 1 - r_n) + \max(0, 1 + f_n)", None, None, "HingeDiscriminatorLoss"),
    _rec("hinge_generator_loss", "合页 GAN 生成器损失", "generative", r"l_n = -f_n",
         None, None, "HingeGeneratorLoss"),
    _rec("wasserstein_critic_loss", "Wasserstein 判别器损失", "generative", r"l_n = f_n - r_n",
         None, None, "WassersteinCriticLoss", note="the critic's loss; add gradient_penalty for WGAN-GP"),
    _rec("wasserstein_generator_loss", "Wasserstein 生成器损失", "generative", r"l_n = -f_n",
         None, None, "WassersteinGeneratorLoss"),
    _rec("gaussian_kl_loss", "高斯 KL 散度损失", "generative",
         r"l_n = -\tfrac{1}{2} \sum_j \bigl(1 + \log \sigma_{nj}^2 - \mu_{nj}^2 - \sigma_{nj}^2\bigr)",
         None, None, "GaussianKLLoss", note="KL(N(mu, sigma^2) || N(0, I)), summed over the latent dims"),
    _rec("vae_loss", "变分自编码器损失", "generative",
         r"l_n = -\log p(x_n \mid \hat x_n) + \beta\, \mathrm{KL}\bigl(q(z \mid x_n) \,\Vert\, p(z)\bigr)",
         None, None, "VAELoss", note="the negative ELBO; Bernoulli (logits) or unit-variance Gaussian likelihood"),
    # -- scale ----------------------------------------------------------------------------------
    _rec("linear_cross_entropy", "线性层交叉熵", "scale",
         r"l_n = -w_{y_n} \log \frac{\exp (W h_n + b)_{y_n}}{\sum_{c=1}^{C} \exp (W h_n + b)_c}",
         "linear_cross_entropy", None, "LinearCrossEntropyLoss", "LinearCrossEntropyLoss",
         note="cross entropy of a linear layer's logits, computed without holding all of them at once"),
)

#: The book page that teaches each loss (the rest get theirs as their chapters are written).
_PAGES = {
    "l1_loss": "book/regression/l1_l2",
    "mse_loss": "book/regression/l1_l2",
    "rmse_loss": "book/regression/l1_l2",
    "mean_bias_error": "book/regression/l1_l2",
    "huber_loss": "book/regression/huber_smooth_l1",
    "smooth_l1_loss": "book/regression/huber_smooth_l1",
    "log_cosh_loss": "book/regression/log_cosh",
    "quantile_loss": "book/regression/quantile",
    "poisson_nll_loss": "book/regression/poisson_gaussian_nll",
    "gaussian_nll_loss": "book/regression/poisson_gaussian_nll",
    "binary_cross_entropy": "book/classification/bce",
    "binary_cross_entropy_with_logits": "book/classification/bce",
    "weighted_binary_cross_entropy": "book/classification/weighted_balanced",
    "balanced_binary_cross_entropy": "book/classification/weighted_balanced",
    "focal_loss": "book/classification/focal",
    "sigmoid_focal_loss": "book/classification/focal",
    "hinge_loss": "book/classification/hinge",
    "squared_hinge_loss": "book/classification/hinge",
    "multi_margin_loss": "book/classification/hinge",
    "cross_entropy": "book/classification/softmax_ce_nll",
    "nll_loss": "book/classification/softmax_ce_nll",
    "kl_div": "book/classification/kl_div",
    "soft_margin_loss": "book/classification/multilabel",
    "multilabel_soft_margin_loss": "book/classification/multilabel",
    "multilabel_margin_loss": "book/classification/multilabel",
    "margin_ranking_loss": "book/embedding/margin_ranking",
    "hinge_embedding_loss": "book/embedding/hinge_cosine_embedding",
    "cosine_embedding_loss": "book/embedding/hinge_cosine_embedding",
    "contrastive_loss": "book/embedding/contrastive",
    "info_nce_loss": "book/embedding/contrastive",
    "triplet_margin_loss": "book/embedding/triplet",
    "triplet_margin_with_distance_loss": "book/embedding/triplet",
    "ctc_loss": "book/embedding/ctc",
    "iou_loss": "book/detection/box_regression",
    "generalized_box_iou_loss": "book/detection/box_regression",
    "distance_box_iou_loss": "book/detection/box_regression",
    "complete_box_iou_loss": "book/detection/box_regression",
    "dice_loss": "book/detection/segmentation",
    "jaccard_loss": "book/detection/segmentation",
    "tversky_loss": "book/detection/segmentation",
    "focal_tversky_loss": "book/detection/segmentation",
    "lovasz_softmax_loss": "book/detection/segmentation",
    "lovasz_hinge_loss": "book/detection/segmentation",
    "gan_discriminator_loss": "book/generative/gan",
    "gan_generator_loss": "book/generative/gan",
    "lsgan_discriminator_loss": "book/generative/gan",
    "lsgan_generator_loss": "book/generative/gan",
    "hinge_discriminator_loss": "book/generative/gan",
    "hinge_generator_loss": "book/generative/gan",
    "wasserstein_critic_loss": "book/generative/gan",
    "wasserstein_generator_loss": "book/generative/gan",
    "gaussian_kl_loss": "book/generative/vae",
    "vae_loss": "book/generative/vae",
}
CATALOG = tuple(dataclasses.replace(r, book_page=_PAGES.get(r.name)) for r in CATALOG)

_BY_NAME = {record.name: record for record in CATALOG}


def markdown_table(records: tuple[LossRecord, ...] = CATALOG, *, formulas: bool = False,
                   page_prefix: str = "book/") -> str:
    """Return the catalogue as a MyST Markdown table, one section row per family.

    With ``formulas=False`` the columns are the name (a ``{doc}`` link to the page that teaches
    the loss, relative to a page in the folder ``page_prefix`` names), the Chinese name and the
    native ops ("✓" for the same name, the native name where it differs, "—" where the
    framework has none); with ``formulas=True``
    they are the name and the element loss. Two narrow tables read better than one wide one. The
    book renders them from an executed cell, so it never holds a hand-copied table. A formula's
    parts separated by ``, \\quad`` (the loss, then a definition it uses) become separate inline
    equations, so that a narrow page can break the line between them.
    """

    def op(dotted: str | None, name: str) -> str:
        if dotted is None:
            return "—"
        native = dotted.rpartition(".")[2]
        return "✓" if native == name else f"`{native}`"

    def linked(record: LossRecord) -> str:
        if record.book_page is None:
            return f"`{record.name}`"
        return "{doc}`" + record.name + " <" + record.book_page.removeprefix(page_prefix) + ">`"

    if formulas:
        rows = ["| loss | element loss $l_n$ |", "|---|---|"]
    else:
        rows = ["| loss | 中文名 | torch | paddle |", "|---|---|---|---|"]
    for family in FAMILIES:
        members = [r for r in records if r.family == family]
        if members:
            rows.append(f"| **{family}** | |" if formulas else f"| **{family}** | | | |")
        for r in members:
            if formulas:
                formula = r.formula.replace("|", r"\vert ")  # a bare | would split the table cell
                parts = ", ".join(f"${part}$" for part in formula.split(r", \quad "))
                rows.append(f"| `{r.name}` | {parts} |")
            else:
                rows.append(f"| {linked(r)} | {r.chinese_name} | {op(r.torch_op, r.name)} | "
                            f"{op(r.paddle_op, r.name)} |")
    return "\n".join(rows)


def by_name(name: str) -> LossRecord:
    """Return the record of the loss called ``name``.

    Raises:
        KeyError: if no loss has that name; the message lists the known names.
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no loss named {name!r} in the catalogue; known: {sorted(_BY_NAME)}") from None


# ---------------------------------------------------------------------------------------------
# PyTorch's loss modules: how each is called (the book's reference table, book/pytorch/catalogue)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TensorSpec:
    """One tensor argument of a loss module's ``forward``: its name and the forms it accepts.

    Attributes:
        name: the argument's name in ``forward`` (PyTorch's, e.g. ``'log_input'`` for
            ``PoissonNLLLoss``).
        forms: ``(shape, dtype, holds)`` triples, the usual form first. ``shape`` is in the
            vocabulary of PyTorch's Shape sections: ``N`` batch, ``C`` classes, ``D`` embedding
            width, ``H`` hidden size (``in_features``), ``T`` input length, ``S`` longest target,
            ``*`` any number of further dimensions (none included), the same wherever it appears
            in one call; a symbol stands for the same size in every argument of the call.
            ``dtype`` is ``'float'`` (any floating dtype) or ``'int64'``. ``holds`` says what the
            values are (``'logits'``, ``'±1'``, ``'class indices'``), or ``''``.
    """

    name: str
    forms: tuple[tuple[str, str, str], ...]

    def markdown(self) -> str:
        """The forms as Markdown: ``(N, C)`` float logits; shapes of the same dtype and values share them."""
        groups: list[tuple[list[str], str, str]] = []
        for shape, dtype, holds in self.forms:
            if groups and groups[-1][1:] == (dtype, holds):
                groups[-1][0].append(shape)
            else:
                groups.append(([shape], dtype, holds))
        return " or ".join(" or ".join(f"`{s}`" for s in shapes) + f" {dtype}" + (f" {holds}" if holds else "")
                           for shapes, dtype, holds in groups)


@dataclass(frozen=True)
class TorchUsage:
    """How PyTorch's ``nn`` module of one catalogued loss is called.

    Attributes:
        task: the kind of problem it is for (``'regression'``, ``'multi-class'``, ...).
        inputs: the tensor arguments of ``forward`` that are predictions or embeddings.
        targets: the tensor arguments of ``forward`` that are targets (and lengths); ``()`` for none.
        options: the constructor's key options, by name (their defaults are read from PyTorch).
        reductions: the accepted values of ``reduction``.
        none_shape: the shape of the output with ``reduction='none'``.
        paddle_call: how to call PaddlePaddle's equivalent where its name alone would compute
            something else, or ``None``.
    """

    task: str
    inputs: tuple[TensorSpec, ...]
    targets: tuple[TensorSpec, ...]
    options: tuple[str, ...] = ()
    reductions: tuple[str, ...] = ("none", "mean", "sum")
    none_shape: str = "(*)"
    paddle_call: str | None = None

    @property
    def tensors(self) -> tuple[TensorSpec, ...]:
        """Every tensor argument of ``forward``, in order."""
        return self.inputs + self.targets


def _t(name: str, shape: str, dtype: str, holds: str = "", *alternatives: tuple[str, str, str]) -> TensorSpec:
    return TensorSpec(name, ((shape, dtype, holds), *alternatives))


def _u(task, inputs, targets, options=(), **kwargs) -> TorchUsage:
    return TorchUsage(task, tuple(inputs), tuple(targets), tuple(options), **kwargs)


_REGRESSION = ([_t("input", "(*)", "float")], [_t("target", "(*)", "float")])
_TRIPLET = [_t(name, "(N, D)", "float", "embeddings") for name in ("anchor", "positive", "negative")]

#: How each PyTorch loss module is called, keyed by the loss's name in the catalogue. Every
#: record with a ``torch_module`` has an entry; the tests run each module on the inputs of
#: :mod:`lossnotes.examples` and check them against the shapes, dtypes and values stated here.
TORCH_USAGE: dict[str, TorchUsage] = {
    "l1_loss": _u("regression", *_REGRESSION),
    "mse_loss": _u("regression", *_REGRESSION),
    "huber_loss": _u("regression", *_REGRESSION, ["delta"]),
    "smooth_l1_loss": _u("regression", *_REGRESSION, ["beta"],
                         paddle_call="`smooth_l1_loss` with `is_huber=False`"),
    "poisson_nll_loss": _u("regression (counts)", [_t("log_input", "(*)", "float", "log-rates")],
                           [_t("target", "(*)", "float", "counts")], ["log_input", "full", "eps"]),
    "gaussian_nll_loss": _u("regression with variance", [_t("input", "(N, *)", "float", "means")],
                            [_t("target", "(N, *)", "float"),
                             _t("var", "(N, *)", "float", "variances", ("(N, 1)", "float", "variances"))],
                            ["full", "eps"], none_shape="(N, *)"),
    "binary_cross_entropy": _u("binary / multi-label", [_t("input", "(*)", "float", "probabilities")],
                               [_t("target", "(*)", "float", "probabilities")], ["weight"]),
    "binary_cross_entropy_with_logits": _u("binary / multi-label", [_t("input", "(*)", "float", "logits")],
                                           [_t("target", "(*)", "float", "probabilities")],
                                           ["weight", "pos_weight"]),
    "cross_entropy": _u("multi-class", [_t("input", "(N, C, *)", "float", "logits")],
                        [_t("target", "(N, *)", "int64", "class indices",
                            ("(N, C, *)", "float", "probabilities"))],
                        ["weight", "ignore_index", "label_smoothing"], none_shape="(N, *)"),
    "nll_loss": _u("multi-class", [_t("input", "(N, C, *)", "float", "log-probabilities")],
                   [_t("target", "(N, *)", "int64", "class indices")], ["weight", "ignore_index"],
                   none_shape="(N, *)"),
    "kl_div": _u("distributions", [_t("input", "(*)", "float", "log-probabilities")],
                 [_t("target", "(*)", "float", "probabilities")], ["log_target"],
                 reductions=("none", "mean", "sum", "batchmean")),
    "soft_margin_loss": _u("binary", [_t("input", "(*)", "float", "logits")], [_t("target", "(*)", "float", "±1")]),
    "multilabel_soft_margin_loss": _u("multi-label", [_t("input", "(N, C)", "float", "logits")],
                                      [_t("target", "(N, C)", "float", "0/1")], ["weight"], none_shape="(N,)"),
    "multi_margin_loss": _u("multi-class", [_t("input", "(N, C)", "float", "scores")],
                            [_t("target", "(N,)", "int64", "class indices")], ["p", "margin", "weight"],
                            none_shape="(N,)"),
    "multilabel_margin_loss": _u("multi-label", [_t("input", "(N, C)", "float", "scores")],
                                 [_t("target", "(N, C)", "int64", "class indices ended by -1")],
                                 none_shape="(N,)"),
    "margin_ranking_loss": _u("ranking", [_t("input1", "(N,)", "float", "scores"),
                                          _t("input2", "(N,)", "float", "scores")],
                              [_t("target", "(N,)", "float", "±1")], ["margin"], none_shape="(N,)"),
    "hinge_embedding_loss": _u("embedding: pairs", [_t("input", "(*)", "float", "distances")],
                               [_t("target", "(*)", "float", "±1")], ["margin"]),
    "cosine_embedding_loss": _u("embedding: pairs", [_t("input1", "(N, D)", "float", "embeddings"),
                                                     _t("input2", "(N, D)", "float", "embeddings")],
                                [_t("target", "(N,)", "float", "±1")], ["margin"], none_shape="(N,)"),
    "triplet_margin_loss": _u("embedding: triplets", _TRIPLET, [], ["margin", "p", "eps", "swap"],
                              none_shape="(N,)"),
    "triplet_margin_with_distance_loss": _u("embedding: triplets", _TRIPLET, [],
                                            ["distance_function", "margin", "swap"], none_shape="(N,)"),
    "ctc_loss": _u("sequence, unaligned", [_t("log_probs", "(T, N, C)", "float", "log-probabilities")],
                   [_t("targets", "(N, S)", "int64", "class indices except the blank"),
                    _t("input_lengths", "(N,)", "int64", "lengths up to T"),
                    _t("target_lengths", "(N,)", "int64", "lengths up to S")],
                   ["blank", "zero_infinity"], none_shape="(N,)"),
    "linear_cross_entropy": _u("multi-class, large C", [_t("input", "(N, H)", "float", "hidden states")],
                               [_t("target", "(N,)", "int64", "class indices")],
                               ["in_features", "num_classes", "bias", "weight", "ignore_index", "label_smoothing",
                                "options"], none_shape="(N,)"),
}

#: The classes of ``torch.nn`` named like a loss that the table of loss modules leaves out, and why.
NOT_IN_TORCH_TABLE: dict[str, str] = {
    "NLLLoss2d": "a deprecated subclass of NLLLoss that adds nothing: constructing it emits a "
                 "FutureWarning; NLLLoss takes (N, C, d_1, ..., d_K) input itself",
    "AdaptiveLogSoftmaxWithLoss": "an output layer with its own parameters (a head and tail clusters "
                                  "for large vocabularies) that returns (output, loss); it has no "
                                  "reduction and no torch.nn.functional form; paddle.nn.functional "
                                  "has adaptive_log_softmax_with_loss",
}


def torch_module_records(records: tuple[LossRecord, ...] = CATALOG) -> list[LossRecord]:
    """The records of the losses PyTorch ships as an ``nn`` module, in the catalogue's order."""
    return [r for r in records if r.torch_module is not None]


def _option(params: dict[str, inspect.Parameter], name: str) -> str:
    default = params[name].default  # a KeyError names an option the module does not have
    if default is inspect.Parameter.empty or default is None:
        return f"`{name}`"
    return f"`{name}={default!r}`"


def torch_modules_table(part: str = "shapes", *, page_dir: str = "book/pytorch",
                        records: tuple[LossRecord, ...] = CATALOG) -> str:
    """Return PyTorch's loss modules as a MyST Markdown table, one section row per family.

    With ``part='shapes'`` the columns are the module, its ``torch.nn.functional`` twin, the
    task, the tensors of ``forward`` (inputs, then targets; an argument other than ``input`` and
    ``target`` is named) with their shapes, dtypes and values (:attr:`TorchUsage.inputs`), and the
    reductions (with the shape ``'none'`` returns); with
    ``part='links'`` they are the module, its key options with PyTorch's defaults, the book page
    that teaches the loss (a ``{doc}`` link relative to a page in the folder ``page_dir``), the
    lossnotes twins and the PaddlePaddle function ("—" where a cell has nothing). Two narrow
    tables read better than one wide one.

    Example:
        >>> print(torch_modules_table("links").splitlines()[3])
        | `L1Loss` | — | {doc}`../regression/l1_l2` | `LN.L1Loss`, `LF.l1_loss` | `l1_loss` |
    """
    if part not in ("shapes", "links"):
        raise ValueError(f"part must be 'shapes' or 'links', got {part!r}")

    def page(r: LossRecord) -> str:
        return "—" if r.book_page is None else "{doc}`" + posixpath.relpath(r.book_page, page_dir) + "`"

    def tensors(specs: tuple[TensorSpec, ...]) -> str:
        if not specs:
            return "—"
        groups: list[tuple[list[str], TensorSpec]] = []  # consecutive arguments of the same form share a cell
        for spec in specs:
            if groups and groups[-1][1].forms == spec.forms:
                groups[-1][0].append(spec.name)
            else:
                groups.append(([spec.name], spec))
        # ``input`` and ``target`` go without their names; any other argument is named
        return "; ".join(("" if names in (["input"], ["target"]) else ", ".join(f"`{n}`" for n in names) + ": ")
                         + spec.markdown() for names, spec in groups)

    def reductions(u: TorchUsage) -> str:
        return ", ".join(f"none `{u.none_shape}`" if r == "none" else r for r in u.reductions)

    if part == "shapes":
        header = ["module", "functional", "task", "input", "target", "reduction"]
    else:
        header = ["module", "key options", "explained in", "lossnotes", "PaddlePaddle"]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    modules = torch_module_records(records)
    for family in FAMILIES:
        members = [r for r in modules if r.family == family]
        if members:
            rows.append(f"| **{family}** |" + " |" * (len(header) - 1))
        for r in members:
            usage = TORCH_USAGE[r.name]
            module = r.torch_module.rpartition(".")[2]
            if part == "shapes":
                functional = "—" if r.torch_op is None else f"`{r.torch_op.rpartition('.')[2]}`"
                cells = [f"`{module}`", functional, usage.task, tensors(usage.inputs), tensors(usage.targets),
                         reductions(usage)]
            else:
                params = dict(inspect.signature(resolve(r.torch_module).__init__).parameters)
                options = ", ".join(_option(params, o) for o in usage.options) or "—"
                twins = ", ".join(f"`L{kind}.{d.rpartition('.')[2]}`"
                                  for kind, d in (("N", r.module), ("F", r.function)) if d is not None)
                paddle = usage.paddle_call or ("—" if r.paddle_op is None else f"`{r.paddle_op.rpartition('.')[2]}`")
                cells = [f"`{module}`", options, page(r), twins, paddle]
            rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------------
# Which loss to use (the book's decision table, book/pytorch/choosing)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One row of the decision table: a situation and the losses that fit it.

    Attributes:
        task: the kind of problem (``"regression"``, ``"binary classification"``, ...).
        target: what the target holds, with its dtype where it matters.
        output: what the model's last layer must output for these losses.
        when: the condition that selects this row among the rows of the same task.
        losses: names of :data:`CATALOG` records, the first one the usual choice.
        option: the option of the first loss that the condition calls for, or ``""``.
    """

    task: str
    target: str
    output: str
    when: str
    losses: tuple[str, ...]
    option: str = ""


#: The decision table: task, target type, output layer and situation, to the losses that fit.
CHOICES: tuple[Choice, ...] = (
    Choice("regression", "real numbers", "one unbounded value per target", "errors roughly Gaussian",
           ("mse_loss",)),
    Choice("regression", "real numbers", "one unbounded value per target",
           "outliers in the targets", ("huber_loss", "smooth_l1_loss", "l1_loss", "log_cosh_loss"),
           "delta"),
    Choice("regression", "real numbers", "one value per quantile", "an interval, not a mean",
           ("quantile_loss",), "quantile"),
    Choice("regression", "counts (0, 1, 2, ...)", "a log-rate", "count data", ("poisson_nll_loss",),
           "log_input"),
    Choice("regression", "real numbers", "a mean and a variance", "the noise level varies",
           ("gaussian_nll_loss",)),
    Choice("binary classification", "0/1 floats", "one logit", "the usual case",
           ("binary_cross_entropy_with_logits",)),
    Choice("binary classification", "0/1 floats", "one logit", "rare positives",
           ("binary_cross_entropy_with_logits", "weighted_binary_cross_entropy",
            "balanced_binary_cross_entropy"), "pos_weight"),
    Choice("binary classification", "0/1 floats", "one logit", "many easy negatives (detection)",
           ("sigmoid_focal_loss", "focal_loss")),
    Choice("binary classification", "0/1 floats", "a probability", "only probabilities available",
           ("binary_cross_entropy",)),
    Choice("binary classification", "±1 floats", "one score", "a margin, as in an SVM",
           ("hinge_loss", "squared_hinge_loss", "soft_margin_loss")),
    Choice("multi-class classification", "class indices (int64)", "C logits", "the usual case",
           ("cross_entropy",)),
    Choice("multi-class classification", "class indices (int64)", "C logits", "imbalanced classes",
           ("cross_entropy",), "weight"),
    Choice("multi-class classification", "class indices (int64)", "C logits",
           "an over-confident model", ("cross_entropy",), "label_smoothing"),
    Choice("multi-class classification", "class indices (int64)", "C log-probabilities",
           "the model ends in log_softmax", ("nll_loss",)),
    Choice("multi-class classification", "class probabilities", "C logits",
           "soft targets, distillation", ("kl_div", "cross_entropy"), "reduction='batchmean'"),
    Choice("multi-class classification", "class indices (int64)", "C scores",
           "a margin between classes", ("multi_margin_loss",)),
    Choice("multi-class classification", "class indices (int64)", "features and a weight matrix",
           "a very large vocabulary", ("linear_cross_entropy",)),
    Choice("segmentation", "a class index per pixel (int64)", "C logits per pixel, (N, C, H, W)",
           "one class per pixel", ("cross_entropy",), "ignore_index"),
    Choice("segmentation", "a class index per pixel (int64)", "C logits per pixel, (N, C, H, W)",
           "small objects, the overlap is the metric", ("dice_loss", "jaccard_loss", "lovasz_softmax_loss"),
           "average"),
    Choice("segmentation", "a class index per pixel (int64)", "C logits per pixel, (N, C, H, W)",
           "missed pixels cost more than false alarms", ("tversky_loss", "focal_tversky_loss"), "beta"),
    Choice("segmentation", "a 0/1 mask", "one logit per pixel, (N, H, W)", "binary masks, IoU metric",
           ("lovasz_hinge_loss",)),
    Choice("box regression", "boxes (x1, y1, x2, y2)", "four coordinates per box",
           "the IoU is the metric", ("generalized_box_iou_loss", "iou_loss"), "reduction"),
    Choice("box regression", "boxes (x1, y1, x2, y2)", "four coordinates per box",
           "faster convergence, box centres", ("distance_box_iou_loss", "complete_box_iou_loss"), "eps"),
    Choice("generative model", "real and generated samples", "one discriminator logit per sample",
           "a GAN, the usual case", ("gan_discriminator_loss", "gan_generator_loss")),
    Choice("generative model", "real and generated samples", "one discriminator score per sample",
           "a GAN that trains unstably", ("hinge_discriminator_loss", "hinge_generator_loss",
                                          "lsgan_discriminator_loss", "lsgan_generator_loss")),
    Choice("generative model", "real and generated samples", "one critic score per sample",
           "a Wasserstein GAN (with a gradient penalty)",
           ("wasserstein_critic_loss", "wasserstein_generator_loss")),
    Choice("generative model", "the input itself", "reconstruction logits, a mean and a log-variance",
           "a variational autoencoder", ("vae_loss", "gaussian_kl_loss"), "beta"),
    Choice("multi-label classification", "multi-hot 0/1 floats", "C logits", "several labels each",
           ("binary_cross_entropy_with_logits", "multilabel_soft_margin_loss")),
    Choice("multi-label classification", "label indices ended by -1", "C scores",
           "a margin between labels", ("multilabel_margin_loss",)),
    Choice("ranking", "±1: which item of a pair ranks higher", "one score per item",
           "pairwise preferences", ("margin_ranking_loss",), "margin"),
    Choice("embedding", "±1 per pair", "a distance per pair", "pairs, distances given",
           ("hinge_embedding_loss",), "margin"),
    Choice("embedding", "±1 per pair", "two vectors per pair", "pairs, cosine similarity",
           ("cosine_embedding_loss",), "margin"),
    Choice("embedding", "1/0: similar or not", "two vectors per pair", "pairs, Euclidean distance",
           ("contrastive_loss",), "margin"),
    Choice("embedding", "anchor, positive, negative", "three vectors", "triplets",
           ("triplet_margin_loss", "triplet_margin_with_distance_loss"), "margin"),
    Choice("embedding", "a positive for each query", "two batches of vectors",
           "other batch members as negatives", ("info_nce_loss",), "temperature"),
    Choice("sequence", "label sequences, unaligned", "log-probabilities per frame, (T, N, C)",
           "speech, handwriting", ("ctc_loss",), "blank"),
)


def decision_table(choices: tuple[Choice, ...] = CHOICES, *, page_prefix: str = "book/pytorch/") -> str:
    """Return :data:`CHOICES` as a MyST Markdown table, one section row per task.

    Each loss links to the page that teaches it (relative to a page in the folder
    ``page_prefix`` names) and names its ``torch.nn`` module, or its ``lossnotes.nn`` one
    (``LN.``) where PyTorch has none.
    """

    def loss(name: str) -> str:
        record = by_name(name)
        if record.torch_module is not None:
            module = f" (`{record.torch_module.rpartition('.')[2]}`)"
        else:  # a loss PyTorch does not ship: the lossnotes module
            module = f" (`LN.{record.module.rpartition('.')[2]}`)" if record.module else ""
        if record.book_page is None:
            return f"`{name}`{module}"
        prefix = "../" * page_prefix.strip("/").count("/")
        target = prefix + record.book_page.removeprefix("book/")
        return "{doc}`" + name + " <" + target + ">`" + module

    rows = ["| target | model output | when | loss (module) | option |", "|---|---|---|---|---|"]
    task = None
    for c in choices:
        if c.task != task:
            task = c.task
            rows.append(f"| **{task}** | | | | |")
        option = f"`{c.option}`" if c.option else ""
        losses = "; ".join(loss(n) for n in c.losses)
        rows.append(f"| {c.target} | {c.output} | {c.when} | {losses} | {option} |")
    return "\n".join(rows)

//! A warm start for linfa: the same multinomial logistic objective, solved on sparse rows.
//!
//! linfa-logistic fits on a dense matrix, so each of its passes costs rows x features x
//! labels. This module minimizes exactly the objective linfa minimizes (summed log loss
//! plus `alpha / 2 * |W|^2`, intercepts unpenalized) with the same L-BFGS solver from
//! argmin, but on the sparse rows, where a pass costs only their non-zeros. linfa then
//! starts from that solution and stops as soon as its own convergence test passes.

use crate::error::{Error, Result};
use crate::features::SparseVec;
use argmin::core::{CostFunction, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use ndarray::{Array1, Array2};
use rayon::prelude::*;
use std::sync::Mutex;

/// A point, the loss there and the gradient there.
type Evaluation = (Array1<f64>, f64, Array1<f64>);

/// The multinomial logistic objective over sparse rows.
struct SparseProblem<'a> {
    rows: &'a [SparseVec],
    targets: &'a [usize],
    features: usize,
    labels: usize,
    alpha: f64,
    /// The last point evaluated, its loss and gradient: the solver asks for the loss
    /// and then the gradient at the same point, and one pass gives both.
    last: Mutex<Option<Evaluation>>,
    /// One gradient buffer per block of rows, kept between evaluations.
    blocks: Mutex<Vec<Vec<f64>>>,
}

/// How many past steps L-BFGS keeps: on 100,000 parameters, more history means
/// fewer passes over the rows.
const HISTORY: usize = 20;

/// Rows per block of the loss and gradient sum. Blocks are summed in order, so the
/// result is the same however many threads compute them.
const BLOCK_ROWS: usize = 2048;

impl SparseProblem<'_> {
    /// Computes the loss and, when `grad` is given, its gradient.
    fn evaluate(&self, w: &Array1<f64>, grad: Option<&mut Array1<f64>>) -> f64 {
        let w = w.as_slice().expect("parameters are contiguous");
        let with_grad = grad.is_some();
        let mut buffers = self.blocks.lock().unwrap_or_else(|e| e.into_inner());
        let blocks = self.rows.len().div_ceil(BLOCK_ROWS);
        buffers.resize_with(blocks, Vec::new);
        let losses: Vec<f64> = buffers
            .par_iter_mut()
            .zip(self.rows.par_chunks(BLOCK_ROWS))
            .zip(self.targets.par_chunks(BLOCK_ROWS))
            .map(|((g, rows), targets)| {
                g.clear();
                if with_grad {
                    g.resize(w.len(), 0.0);
                }
                self.block(w, rows, targets, g)
            })
            .collect();
        let bias = self.features * self.labels;
        let loss: f64 = losses.iter().sum();
        let penalty: f64 = w[..bias].iter().map(|x| x * x).sum();
        if let Some(g) = grad {
            let g = g.as_slice_mut().expect("gradient is contiguous");
            g.fill(0.0);
            for block in buffers.iter() {
                for (gc, b) in g.iter_mut().zip(block) {
                    *gc += b;
                }
            }
            for (gc, wc) in g[..bias].iter_mut().zip(&w[..bias]) {
                *gc += self.alpha * wc;
            }
        }
        loss + 0.5 * self.alpha * penalty
    }

    /// The summed log loss of some rows; its gradient (without the penalty) is added
    /// into `g` unless `g` is empty.
    fn block(&self, w: &[f64], rows: &[SparseVec], targets: &[usize], g: &mut [f64]) -> f64 {
        let k = self.labels;
        let bias = self.features * k;
        let mut loss = 0.0;
        let mut logits = vec![0.0f64; k];
        let with_grad = !g.is_empty();
        for (row, &y) in rows.iter().zip(targets) {
            logits.copy_from_slice(&w[bias..bias + k]);
            for (&f, &v) in row.indices.iter().zip(&row.values) {
                let base = f as usize * k;
                for (l, wc) in logits.iter_mut().zip(&w[base..base + k]) {
                    *l += v as f64 * wc;
                }
            }
            let max = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let correct = logits[y];
            let mut sum = 0.0;
            for l in logits.iter_mut() {
                *l = (*l - max).exp();
                sum += *l;
            }
            loss += max + sum.ln() - correct;
            if with_grad {
                // The gradient of the row's loss in its logits: probabilities minus the target.
                for (c, l) in logits.iter_mut().enumerate() {
                    *l = *l / sum - if c == y { 1.0 } else { 0.0 };
                }
                for (&f, &v) in row.indices.iter().zip(&row.values) {
                    let base = f as usize * k;
                    for (gc, d) in g[base..base + k].iter_mut().zip(&logits) {
                        *gc += v as f64 * d;
                    }
                }
                for (gc, d) in g[bias..bias + k].iter_mut().zip(&logits) {
                    *gc += d;
                }
            }
        }
        loss
    }
}

impl SparseProblem<'_> {
    /// The loss and gradient at `w`, from the last evaluation when it was at `w`.
    fn cost_and_gradient(&self, w: &Array1<f64>) -> (f64, Array1<f64>) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, cost, grad)) = last.as_ref().filter(|(at, _, _)| at == w) {
            return (*cost, grad.clone());
        }
        let mut grad = Array1::zeros(w.len());
        let cost = self.evaluate(w, Some(&mut grad));
        *last = Some((w.clone(), cost, grad.clone()));
        (cost, grad)
    }
}

impl CostFunction for SparseProblem<'_> {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, w: &Self::Param) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.cost_and_gradient(w).0)
    }
}

impl Gradient for SparseProblem<'_> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(&self, w: &Self::Param) -> std::result::Result<Array1<f64>, argmin::core::Error> {
        Ok(self.cost_and_gradient(w).1)
    }
}

/// Minimizes the multinomial logistic objective on sparse rows; returns the parameters
/// laid out as linfa expects them: `(features + 1) x labels`, intercepts in the last row.
pub fn warm_start(
    rows: &[SparseVec],
    targets: &[usize],
    features: usize,
    labels: usize,
    alpha: f64,
    tolerance: f64,
    max_iter: u64,
) -> Result<Array2<f64>> {
    let problem = SparseProblem {
        rows,
        targets,
        features,
        labels,
        alpha,
        last: Mutex::new(None),
        blocks: Mutex::new(Vec::new()),
    };
    // Start from the class frequencies: zero weights, intercepts at the centred log priors.
    let mut init = Array1::<f64>::zeros((features + 1) * labels);
    let mut counts = vec![1.0f64; labels];
    for &t in targets {
        counts[t] += 1.0;
    }
    let mean_log = counts.iter().map(|c| c.ln()).sum::<f64>() / labels as f64;
    for (c, n) in counts.iter().enumerate() {
        init[features * labels + c] = n.ln() - mean_log;
    }
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), HISTORY)
        .with_tolerance_grad(tolerance)
        .and_then(|s| s.with_tolerance_cost(0.0))
        .map_err(|e| Error::Training(e.to_string()))?;
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(init).max_iters(max_iter))
        .run()
        .map_err(|e| Error::Training(e.to_string()))?;
    let best = result
        .state
        .get_best_param()
        .cloned()
        .ok_or_else(|| Error::Training("the warm start found no parameters".into()))?;
    Array2::from_shape_vec((features + 1, labels), best.to_vec())
        .map_err(|e| Error::Training(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        let rows = vec![
            SparseVec {
                indices: vec![0, 2],
                values: vec![0.6, 0.8],
            },
            SparseVec {
                indices: vec![1],
                values: vec![1.0],
            },
            SparseVec {
                indices: vec![0, 1],
                values: vec![0.8, 0.6],
            },
        ];
        let targets = [0, 1, 2];
        let p = SparseProblem {
            rows: &rows,
            targets: &targets,
            features: 3,
            labels: 3,
            alpha: 0.5,
            last: Mutex::new(None),
            blocks: Mutex::new(Vec::new()),
        };
        let w: Array1<f64> = (0..12).map(|i| (i as f64 * 0.37).sin() * 0.5).collect();
        let mut g = Array1::zeros(12);
        p.evaluate(&w, Some(&mut g));
        for i in 0..12 {
            let (mut up, mut down) = (w.clone(), w.clone());
            up[i] += 1e-6;
            down[i] -= 1e-6;
            let numeric = (p.evaluate(&up, None) - p.evaluate(&down, None)) / 2e-6;
            assert!((numeric - g[i]).abs() < 1e-5, "{i}: {numeric} vs {}", g[i]);
        }
    }
}

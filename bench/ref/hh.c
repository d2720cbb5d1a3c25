/* Reference for bench/simulate.ts: the built-in Hodgkin-Huxley model (models/hodgkin-huxley.ts)
 * with classic RK4, written by hand in C, neuron-outer loop like neurofit's kernel.
 * Usage: hh N STEPS DT REPEATS -> prints one median ns per neuron-step. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double am(double v) { return 0.1 * (v + 40) / (1 - exp(-(v + 40) / 10)); }
static inline double bm(double v) { return 4 * exp(-(v + 65) / 18); }
static inline double ah(double v) { return 0.07 * exp(-(v + 65) / 20); }
static inline double bh(double v) { return 1 / (1 + exp(-(v + 35) / 10)); }
static inline double an(double v) { return 0.01 * (v + 55) / (1 - exp(-(v + 55) / 10)); }
static inline double bn(double v) { return 0.125 * exp(-(v + 65) / 80); }

typedef struct { double C, gNa, gK, gL, ENa, EK, EL, I; } P;

static inline void f(const P *p, double v, double m, double h, double n, double *dv, double *dm, double *dh, double *dn) {
  double m3 = m * m * m, n2 = n * n, n4 = n2 * n2;
  *dv = (p->I - p->gNa * m3 * h * (v - p->ENa) - p->gK * n4 * (v - p->EK) - p->gL * (v - p->EL)) / p->C;
  *dm = am(v) * (1 - m) - bm(v) * m;
  *dh = ah(v) * (1 - h) - bh(v) * h;
  *dn = an(v) * (1 - n) - bn(v) * n;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int N = argc > 1 ? atoi(argv[1]) : 1024;
  int K = argc > 2 ? atoi(argv[2]) : 10000;
  double dt = argc > 3 ? atof(argv[3]) : 0.01;
  int R = argc > 4 ? atoi(argv[4]) : 5;
  double *V = malloc(N * sizeof(double)), *M = malloc(N * sizeof(double)), *H = malloc(N * sizeof(double)), *Nn = malloc(N * sizeof(double));
  P *par = malloc(N * sizeof(P));
  double *times = malloc(R * sizeof(double));
  long spikes = 0;
  for (int r = 0; r < R; r++) {
    for (int i = 0; i < N; i++) {
      par[i] = (P){1, 120, 36, 0.3, 50, -77, -54.387, 10 + 0.001 * i};
      V[i] = -65; M[i] = 0.0529; H[i] = 0.5961; Nn[i] = 0.3177;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < N; i++) {
      const P p = par[i];
      double v = V[i], m = M[i], h = H[i], n = Nn[i];
      for (int s = 0; s < K; s++) {
        double k1v, k1m, k1h, k1n, k2v, k2m, k2h, k2n, k3v, k3m, k3h, k3n, k4v, k4m, k4h, k4n;
        f(&p, v, m, h, n, &k1v, &k1m, &k1h, &k1n);
        f(&p, v + 0.5 * dt * k1v, m + 0.5 * dt * k1m, h + 0.5 * dt * k1h, n + 0.5 * dt * k1n, &k2v, &k2m, &k2h, &k2n);
        f(&p, v + 0.5 * dt * k2v, m + 0.5 * dt * k2m, h + 0.5 * dt * k2h, n + 0.5 * dt * k2n, &k3v, &k3m, &k3h, &k3n);
        f(&p, v + dt * k3v, m + dt * k3m, h + dt * k3h, n + dt * k3n, &k4v, &k4m, &k4h, &k4n);
        double nv = v + dt * (k1v + 2 * k2v + 2 * k3v + k4v) / 6;
        if (v < 0 && nv >= 0) spikes++;
        v = nv;
        m += dt * (k1m + 2 * k2m + 2 * k3m + k4m) / 6;
        h += dt * (k1h + 2 * k2h + 2 * k3h + k4h) / 6;
        n += dt * (k1n + 2 * k2n + 2 * k3n + k4n) / 6;
      }
      V[i] = v; M[i] = m; H[i] = h; Nn[i] = n;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    times[r] = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / ((double)N * K);
  }
  qsort(times, R, sizeof(double), cmp);
  /* spikes are printed so the compiler cannot drop the loop */
  printf("%.4f %ld\n", times[R / 2], spikes / R);
  return 0;
}

"""Text generation shared by the refiner and the expert: model loading, device and dtype,
prompt templates and chat rendering, and the engines (transformers, vLLM, an OpenAI-compatible
server). vLLM is imported only when an engine is built."""
